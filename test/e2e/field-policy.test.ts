// Field control end to end, as a user configures it: FIELD_POLICY drops salaries and hashes the
// email and the IBAN custom attribute (named by its Personio key) with the key from
// FIELD_HASH_KEY_FILE. Read back from Kafka and decoded through the registry, the values carry no
// salary, the hashed fields are HMAC-SHA256(key, original) in hex, and the registered schema says
// so; schemas/*.avsc (the contract without policy) still lists the dropped fields.
import { execFile } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { request } from 'undici'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { decodeAll, readTopic } from '../support/topics'

const run = promisify(execFile)
const cli = join(__dirname, '..', '..', 'bin', 'personio-kafka.js')
const KEY = 'field-policy-e2e-key-0123456789'
const hmac = (text: string) => createHmac('sha256', KEY).update(text).digest('hex')
const IBAN = 'dynamic_21827' // the simulator's first custom attribute: IBAN, universal id `iban`

describe('e2e > field policy', () => {
  const { brokers, registryUrl } = testInfra()
  const prefix = uniqueName('policy')
  let sim: RunningSimulator
  let stderr = ''

  beforeAll(async () => {
    sim = await startSimulator({ employees: 20, rateLimits: false })
    const dir = mkdtempSync(join(tmpdir(), 'pk-policy-'))
    writeFileSync(join(dir, 'hash-key'), `${KEY}\n`)
    const env = {
      ...process.env,
      PERSONIO_BASE_URL: sim.url,
      PERSONIO_CLIENT_ID: 'sim-client',
      PERSONIO_CLIENT_SECRET: 'sim-secret',
      KAFKA_BROKERS: brokers.join(','),
      SCHEMA_REGISTRY_URL: registryUrl,
      TOPIC_PREFIX: prefix,
      TOPIC_REPLICATION_FACTOR: '1',
      LOG_LEVEL: 'info',
      PROGRESS: 'log',
      FIELD_POLICY: JSON.stringify({
        employees: { drop: ['fix_salary', 'hourly_salary'], hash: ['email', IBAN] },
      }),
      FIELD_HASH_KEY_FILE: join(dir, 'hash-key'),
    }
    const out = await run(process.execPath, [cli, 'snapshot', '--resources', 'employees'], {
      env,
      timeout: 120_000,
    })
    stderr = out.stderr
  }, 150_000)

  afterAll(() => sim.close())

  it('publishes no dropped field and hashed fields as HMAC-SHA256(key, original) hex', async () => {
    const holds = sim.company.list('employees')
    const records = await decodeAll(
      registryUrl,
      await readTopic(brokers, `${prefix}.employees`, holds.length),
    )
    expect(records).toHaveLength(holds.length)
    for (const e of holds) {
      const value = records.find((r) => r.key.id === e.id)?.value ?? {}
      expect(Object.keys(value)).not.toContain('fix_salary')
      expect(Object.keys(value)).not.toContain('hourly_salary')
      expect(value).toMatchObject({
        id: e.id,
        first_name: e.firstName,
        fix_salary_currency: expect.anything(),
      })
      expect(value.email).toBe(e.email === null ? null : hmac(e.email))
      const iban = e.custom[IBAN]
      expect(value.iban).toBe(iban === null || iban === undefined ? null : hmac(String(iban)))
    }
    expect(holds.some((e) => e.email !== null && typeof e.custom[IBAN] === 'string')).toBe(true)
  })

  it('registers a value schema without the dropped fields and with the hashed ones as strings', async () => {
    const res = await request(`${registryUrl}/subjects/${prefix}.employees-value/versions/latest`)
    const schema = JSON.parse(((await res.body.json()) as { schema: string }).schema) as AvroRecordSchema
    const names = schema.fields.map((f) => f.name)
    expect(names).not.toContain('fix_salary')
    expect(names).not.toContain('hourly_salary')
    for (const name of ['email', 'iban'])
      expect(schema.fields.find((f) => f.name === name)).toMatchObject({
        type: ['null', 'string'],
        'personio.hashed': 'hmac-sha256-hex',
      })
    const contract = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'schemas', 'employees-value.avsc'), 'utf8'),
    ) as AvroRecordSchema
    expect(contract.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['fix_salary', 'hourly_salary', 'email']),
    )
  })

  it('logs progress with the resource and cycle id, and never the key', () => {
    const done = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => typeof l.msg === 'string' && l.msg.startsWith('employees snapshot: 20/20 records'))
    expect(done).toMatchObject({
      level: 30,
      resource: 'employees',
      cycleId: expect.stringMatching(/^[0-9a-f]{8}$/),
      records: 20,
    })
    expect(stderr).not.toContain(KEY)
  })
})
