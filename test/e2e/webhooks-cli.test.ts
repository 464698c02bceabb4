// `personio-kafka webhooks register|list|delete` and doctor's webhook check, run as a person runs
// them, against the simulator's `/v2/webhooks` (which, like Personio, only takes https URLs: the
// public URL here is never called, since nothing in the company changes).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exitCodes } from '../../src/cli/exit-codes'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { hasStack, messageLines, runCli } from '../support/cli'

const PUBLIC_URL = 'https://hooks.example.test/personio'
const TOKEN = 'Bearer wh-0123456789abcdefghijklmnop'

const employeeEvents = [
  'person.created',
  'person.updated',
  'person.deleted',
  'employment.created',
  'employment.updated',
  'employment.deleted',
  'employment.started',
  'employment.terminated',
]
const absenceEvents = [
  'absence-period.created',
  'absence-period.updated.timerange',
  'absence-period.updated.status',
  'absence-period.deleted',
]
const attendanceEvents = [
  'attendance-period.created',
  'attendance-period.updated',
  'attendance-period.deleted',
]

describe('e2e > personio-kafka webhooks', () => {
  const { brokers, registryUrl } = testInfra()
  let sim: RunningSimulator
  beforeEach(async () => {
    sim = await startSimulator({ employees: 2, rateLimits: false })
  })
  afterEach(() => sim.close())

  const env = (extra: Record<string, string> = {}) => ({
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
    WEBHOOK_PUBLIC_URL: PUBLIC_URL,
    WEBHOOK_TOKEN: TOKEN,
    ...extra,
  })
  const subscriptions = () => [...sim.webhooks.subscriptions.values()]
  /** as someone would in Personio's UI */
  const disable = (id: string) => {
    const current = sim.webhooks.subscriptions.get(id)
    if (current === undefined) throw new Error(`no subscription ${id}`)
    sim.webhooks.update(id, { ...current, status: 'DISABLED' })
  }
  const requests = (method: string) =>
    sim.log.filter((l) => l.method === method && l.path.startsWith('/v2/webhooks'))

  it('register twice leaves one ENABLED subscription with TOKEN auth, the token as sent and every event', async () => {
    const first = await runCli(['webhooks', 'register'], env())
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' })
    const [ours, ...more] = subscriptions()
    expect(more).toEqual([])
    expect(ours).toMatchObject({
      url: PUBLIC_URL,
      description: 'personio-kafka personio',
      status: 'ENABLED',
      authType: 'TOKEN',
      token: TOKEN,
      enabledEvents: [...employeeEvents, ...absenceEvents, ...attendanceEvents],
    })
    expect(first.stdout.trim()).toBe(
      `created webhook ${ours?.id} for ${PUBLIC_URL}: ENABLED, token auth, 15 event(s): ${ours?.enabledEvents.join(', ')}`,
    )

    const second = await runCli(['webhooks', 'register'], env())
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(new RegExp(`^webhook ${ours?.id} for .* is up to date: ENABLED, 15 event`))
    expect(subscriptions()).toHaveLength(1)
    expect(requests('POST')).toHaveLength(1)
    expect(requests('PATCH')).toHaveLength(0)
    for (const run of [first, second]) expect(run.stdout + run.stderr).not.toContain('wh-0123456789')
  })

  it('PATCHes the events when the resources change, and a disabled subscription back to ENABLED', async () => {
    expect((await runCli(['webhooks', 'register'], env())).code).toBe(0)
    const id = subscriptions()[0]?.id as string

    const narrowed = await runCli(['webhooks', 'register', '--resources', 'employees,projects'], env())
    expect(narrowed.code).toBe(0)
    expect(narrowed.stdout.trim()).toBe(
      `updated webhook ${id} for ${PUBLIC_URL}: events ${[...absenceEvents, ...attendanceEvents].map((e) => `-${e}`).join(' ')}`,
    )
    expect(subscriptions()[0]?.enabledEvents).toEqual(employeeEvents)

    // someone disabled it in Personio; the token comes from a file this time
    disable(id)
    const dir = mkdtempSync(join(tmpdir(), 'pk-webhook-'))
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`)
    const { WEBHOOK_TOKEN: _, ...withoutToken } = env({ CAPTURE_RESOURCES: 'employees,attendances' })
    const enabled = await runCli(['webhooks', 'register'], {
      ...withoutToken,
      WEBHOOK_TOKEN_FILE: join(dir, 'token'),
    })
    expect(enabled.code).toBe(0)
    expect(enabled.stdout.trim()).toBe(
      `updated webhook ${id} for ${PUBLIC_URL}: status DISABLED → ENABLED; events ${attendanceEvents.map((e) => `+${e}`).join(' ')}`,
    )
    expect(subscriptions()).toEqual([
      expect.objectContaining({
        id,
        status: 'ENABLED',
        token: TOKEN,
        enabledEvents: [...employeeEvents, ...attendanceEvents],
      }),
    ])
    expect(requests('PATCH')).toHaveLength(2)
  })

  it('list shows ours and the others with id, status, URL and events, never a token', async () => {
    const other = sim.webhooks.create({
      url: 'https://other.example.test/hook',
      description: 'another integration',
      status: 'DISABLED',
      authType: 'TOKEN',
      token: 'other-integration-secret-token',
      customHeaders: {},
      enabledEvents: ['person.deleted'],
    })
    expect((await runCli(['webhooks', 'register', '--resources', 'attendances'], env())).code).toBe(0)
    const ours = subscriptions().find((s) => s.url === PUBLIC_URL)
    const run = await runCli(['webhooks', 'list'], env())
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
    expect(run.stdout.trim().split('\n')).toEqual([
      `webhooks in Personio (* = ours: ${PUBLIC_URL})`,
      `  ${other.id}  DISABLED  https://other.example.test/hook  person.deleted`,
      `* ${ours?.id}  ENABLED   ${PUBLIC_URL}  ${attendanceEvents.join(',')}`,
    ])
    expect(run.stdout).not.toContain('secret')
    expect(run.stdout).not.toContain('wh-0123456789')
    // without a token configured: listing needs none
    const { WEBHOOK_TOKEN: _, ...withoutToken } = env()
    expect((await runCli(['webhooks', 'list'], withoutToken)).code).toBe(0)
  })

  it('delete removes ours (by URL) or the one given with --id, and says when there is none', async () => {
    const other = sim.webhooks.create({
      url: 'https://other.example.test/hook',
      description: 'another integration',
      status: 'ENABLED',
      authType: 'NONE',
      token: null,
      customHeaders: {},
      enabledEvents: ['person.deleted'],
    })
    expect((await runCli(['webhooks', 'register'], env())).code).toBe(0)
    const ours = subscriptions().find((s) => s.url === PUBLIC_URL)
    const { WEBHOOK_TOKEN: _, ...withoutToken } = env()

    const deleted = await runCli(['webhooks', 'delete'], withoutToken)
    expect({ code: deleted.code, out: deleted.stdout.trim() }).toEqual({
      code: 0,
      out: `deleted webhook ${ours?.id} for ${PUBLIC_URL}`,
    })
    expect(subscriptions().map((s) => s.id)).toEqual([other.id])
    const again = await runCli(['webhooks', 'delete'], withoutToken)
    expect({ code: again.code, out: again.stdout.trim() }).toEqual({
      code: 0,
      out: `no webhook for ${PUBLIC_URL}: nothing to delete`,
    })
    const byId = await runCli(['webhooks', 'delete', '--id', other.id], withoutToken)
    expect(byId.code).toBe(0)
    expect(subscriptions()).toEqual([])
  })

  it('a missing WEBHOOK_TOKEN, URL or credential: one line naming the setting, exit 2, nothing created', async () => {
    const { WEBHOOK_TOKEN: _, ...withoutToken } = env()
    const runs = [
      await runCli(['webhooks', 'register'], withoutToken),
      await runCli(['webhooks', 'register'], { ...env(), WEBHOOK_TOKEN: 'too-short' }),
      await runCli(['webhooks', 'register'], {
        ...env(),
        PERSONIO_CLIENT_ID: '',
        PERSONIO_CLIENT_SECRET: '',
      }),
      await runCli(['webhooks', 'delete'], { ...env(), WEBHOOK_PUBLIC_URL: '' }),
    ]
    const lines = runs.map((run) => {
      expect(run.code).toBe(exitCodes.usage.code)
      expect(hasStack(run.stderr)).toBe(false)
      const shown = messageLines(run.stderr)
      expect(shown).toHaveLength(1)
      return shown[0]
    })
    expect(lines).toEqual([
      expect.stringMatching(
        /^error: configuration: WEBHOOK_TOKEN is not set: .*WEBHOOK_TOKEN_FILE.*24 characters$/,
      ),
      'error: configuration: WEBHOOK_TOKEN (webhooks.token) must NOT have fewer than 24 characters',
      expect.stringMatching(
        /^error: configuration: PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET must both be set/,
      ),
      expect.stringMatching(/^error: configuration: WEBHOOK_PUBLIC_URL is not set: .*or give --id/),
    ])
    expect(subscriptions()).toEqual([])
    expect(runs[1]?.stderr).not.toContain('too-short')
  })

  it('an http URL Personio refuses: its reason in one line, exit 3', async () => {
    const run = await runCli(
      ['webhooks', 'register'],
      env({ WEBHOOK_PUBLIC_URL: 'http://hooks.example.test/personio' }),
    )
    expect(run.code).toBe(exitCodes.personio.code)
    expect(hasStack(run.stderr)).toBe(false)
    expect(messageLines(run.stderr)).toEqual([
      expect.stringMatching(
        /^error: Personio: Personio POST \/v2\/webhooks failed: 422 Unprocessable entity: url must be an HTTPS endpoint, got http/,
      ),
    ])
  })

  it('doctor: webhooks not configured, a missing, a disabled, then a good subscription', async () => {
    const prefix = uniqueName('doctor-wh')
    const doctorEnv = (extra: Record<string, string> = {}) =>
      env({
        KAFKA_BROKERS: brokers.join(','),
        SCHEMA_REGISTRY_URL: registryUrl,
        TOPIC_PREFIX: prefix,
        ...extra,
      })
    // no run has created the inbox yet: doctor says how it will be made
    const inbox = `  ✓ inbox topic ${prefix}._webhooks is created on the first run with min.insync.replicas=2 (at most its replicas): a delivery is answered 202 once that many copies have it`
    const section = (stdout: string) => stdout.split('\nWebhooks\n')[1]?.split('\n\n')[0]?.split('\n') ?? []

    const off = await runCli(['doctor'], doctorEnv({ WEBHOOK_PUBLIC_URL: '' }))
    expect(section(off.stdout)).toEqual([
      '  - webhooks are not configured (WEBHOOK_PUBLIC_URL is not set): changes are found by polling alone',
    ])
    expect(off.code).toBe(0)

    const missing = await runCli(['doctor'], doctorEnv())
    expect(missing.code).toBe(exitCodes.check.code)
    expect(section(missing.stdout)).toEqual([
      `  ✗ no webhook subscription for ${PUBLIC_URL}: Personio announces no changes to this service; run \`personio-kafka webhooks register\``,
      inbox,
    ])

    expect((await runCli(['webhooks', 'register'], doctorEnv({ CAPTURE_RESOURCES: 'employees' }))).code).toBe(
      0,
    )
    const id = subscriptions()[0]?.id as string
    disable(id)
    const disabled = await runCli(['doctor'], doctorEnv())
    expect(disabled.code).toBe(exitCodes.check.code)
    expect(section(disabled.stdout)).toEqual([
      `  ✗ webhook ${id} for ${PUBLIC_URL} is DISABLED: Personio delivers nothing to it; run \`personio-kafka webhooks register\``,
      `  ✗ webhook ${id} events differ from the selected resources (CAPTURE_RESOURCES): missing ${[...absenceEvents, ...attendanceEvents].join(', ')}; run \`personio-kafka webhooks register\``,
      inbox,
    ])

    expect((await runCli(['webhooks', 'register'], doctorEnv())).code).toBe(0)
    const good = await runCli(['doctor'], doctorEnv())
    expect(section(good.stdout)).toEqual([
      `  ✓ webhook ${id} for ${PUBLIC_URL}: ENABLED, 15 events of the selected resources`,
      inbox,
    ])
    expect(good.code).toBe(0)
  })
})
