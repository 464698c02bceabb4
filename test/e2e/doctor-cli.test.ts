// `personio-kafka doctor` as a person runs it: a checklist that passes on a good setup, and for one
// wrong setting a ✗ line saying what to fix, the other sections still checked, exit 7.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { exitCodes } from '../../src/cli/exit-codes'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { runCli } from '../support/cli'
import { createTopicsSettled } from '../support/topics'

describe('e2e > personio-kafka doctor', () => {
  const { brokers, registryUrl } = testInfra()
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({
      employees: 2,
      rateLimits: false,
      credentials: [
        { clientId: 'sim-client', clientSecret: 'sim-secret' },
        {
          clientId: 'narrow',
          clientSecret: 'narrow-secret',
          whitelist: ['first_name', 'last_name', 'email'],
        },
      ],
    })
  })
  afterAll(() => sim.close())

  const good = () => ({
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    TOPIC_PREFIX: uniqueName('doctor'),
  })
  const fixes = (stdout: string) => stdout.split('\n').filter((l) => l.trimStart().startsWith('✗'))

  it('passes on a good setup', async () => {
    const run = await runCli(['doctor'], good())
    expect(fixes(run.stdout)).toEqual([])
    expect(run.stdout).toContain('✓ attribute whitelist includes last_modified_at')
    expect(run.stdout).toMatch(/✓ brokers reachable at .* \(1 in the cluster\)/)
    expect(run.stdout).toContain('✓ brokers have no authorizer: no ACLs to check')
    expect(run.stdout).toMatch(/✓ registry reachable at /)
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('all checks passed')
    expect(run.code).toBe(0)
  })

  it('with COMPANIES_DIR: every company file judged, a broken one a ✗ line; --company checks that one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-companies-'))
    writeFileSync(join(dir, 'acme.secret'), 'sim-secret\n')
    writeFileSync(
      join(dir, 'acme.json'),
      JSON.stringify({
        prefix: uniqueName('doctor-acme'),
        personio: { baseUrl: sim.url, clientId: 'sim-client', clientSecretFile: 'acme.secret' },
        resources: ['employees'],
      }),
    )
    writeFileSync(join(dir, 'broken.json'), '{"prefix": "x",')
    const { PERSONIO_CLIENT_ID: _id, PERSONIO_CLIENT_SECRET: _secret, ...env } = good()
    try {
      const group = await runCli(['doctor'], { ...env, COMPANIES_DIR: dir })
      expect(group.code).toBe(exitCodes.check.code)
      expect(group.stdout).toContain('✓ 1 company: acme')
      expect(fixes(group.stdout)).toEqual([
        `  ✗ ${join(dir, 'broken.json')}: not JSON (at line 1, column 16); a company file is one JSON object`,
      ])
      const one = await runCli(['doctor', '--company', 'acme'], { ...env, COMPANIES_DIR: dir })
      expect({ code: one.code, fixes: fixes(one.stdout) }).toEqual({ code: 0, fixes: [] })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a wrong Personio secret: one ✗ naming the settings, Kafka and the registry still checked', async () => {
    const run = await runCli(['doctor'], { ...good(), PERSONIO_CLIENT_SECRET: 'not-the-secret' })
    expect(run.code).toBe(exitCodes.check.code)
    expect(fixes(run.stdout)).toEqual([
      expect.stringMatching(
        /✗ Personio refused the credentials .*Check PERSONIO_CLIENT_ID \/ PERSONIO_CLIENT_SECRET/,
      ),
    ])
    expect(run.stdout).toMatch(/✓ brokers reachable/)
    expect(run.stdout).not.toContain('not-the-secret')
  })

  it('a credential without last_modified_at in its whitelist: says where to add it', async () => {
    const run = await runCli(['doctor'], {
      ...good(),
      PERSONIO_CLIENT_ID: 'narrow',
      PERSONIO_CLIENT_SECRET: 'narrow-secret',
    })
    expect(run.code).toBe(exitCodes.check.code)
    expect(fixes(run.stdout)).toEqual([
      expect.stringMatching(/✗ attribute whitelist lacks last_modified_at: .*Readable employee attributes/),
    ])
  })

  it('the registry root instead of its API path: says what the URL lacks', async () => {
    const root = registryUrl.replace(/\/apis\/ccompat\/v7\/?$/, '')
    const run = await runCli(['doctor'], { ...good(), SCHEMA_REGISTRY_URL: root })
    expect(run.code).toBe(exitCodes.check.code)
    expect(fixes(run.stdout)).toEqual([
      expect.stringContaining(
        `SCHEMA_REGISTRY_URL probably lacks the API path: Apicurio serves it under /apis/ccompat/v7, e.g. SCHEMA_REGISTRY_URL=${root}/apis/ccompat/v7`,
      ),
    ])
  })

  it('an existing topic that is not compacted: says how to fix it', async () => {
    const env = good()
    const kafka = new Kafka({ brokers, clientId: 'doctor-test', logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    const topic = `${env.TOPIC_PREFIX}.employees`
    await createTopicsSettled(admin, [
      {
        topic,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: [{ name: 'cleanup.policy', value: 'delete' }],
      },
    ])
    await admin.disconnect()
    const run = await runCli(['doctor'], env)
    expect(run.code).toBe(exitCodes.check.code)
    expect(fixes(run.stdout)).toEqual([
      expect.stringContaining(
        `topic ${topic} has cleanup.policy=delete, but entity topics must be compacted. Fix it with: kafka-configs --alter`,
      ),
    ])
  })

  it('an unreachable broker and a bad setting: each one ✗ line, nothing else fails', async () => {
    const broker = await runCli(['doctor'], { ...good(), KAFKA_BROKERS: '127.0.0.1:1' })
    expect(broker.code).toBe(exitCodes.check.code)
    // the same hint the registry's line gives: which setting to check
    expect(fixes(broker.stdout)).toEqual([
      expect.stringMatching(
        /✗ Kafka at 127\.0\.0\.1:1 did not answer \(.*ECONNREFUSED.*\); check KAFKA_BROKERS/,
      ),
    ])
    expect(broker.stderr).toBe('')

    const setting = await runCli(['doctor'], { ...good(), TOPIC_PARTITIONS: 'three' })
    expect(setting.code).toBe(exitCodes.check.code)
    expect(fixes(setting.stdout)).toEqual([
      '  ✗ TOPIC_PARTITIONS (topics.partitions) must be a whole number, got "three"; e.g. TOPIC_PARTITIONS=3',
    ])
  })
})
