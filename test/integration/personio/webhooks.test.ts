// The client's `/v2/webhooks` module against the simulator: listing follows the cursor pages,
// writes go through the authenticated transport (an expired token is replaced once), and a refusal
// arrives as Personio's own words, not retried.
import { PersonioHttpError } from '../../../src/errors'
import { createPersonioClient } from '../../../src/personio'
import { webhookSubscriptions } from '../../../src/personio/webhooks'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'

describe('personio > webhooks against the simulator', () => {
  let sim: RunningSimulator
  beforeEach(async () => {
    sim = await startSimulator({ employees: 1, rateLimits: false })
  })
  afterEach(() => sim.close())

  const webhooks = () =>
    webhookSubscriptions(
      createPersonioClient({
        baseUrl: sim.url,
        credentials: { clientId: 'sim-client', clientSecret: 'sim-secret' },
      }).http,
    )
  const desired = {
    url: 'https://hooks.example.test/personio',
    description: 'personio-kafka test',
    status: 'ENABLED' as const,
    auth_type: 'TOKEN' as const,
    token: 'tok-0123456789abcdefghijklmnop',
    enabled_events: ['person.created', 'person.deleted'],
  }
  const calls = (method: string) =>
    sim.log.filter((l) => l.method === method && l.path.startsWith('/v2/webhooks'))

  it('creates, lists across cursor pages, updates and deletes', async () => {
    const api = webhooks()
    const created = await api.create(desired)
    expect(created).toMatchObject({ url: desired.url, status: 'ENABLED', token: desired.token })
    for (let i = 0; i < 204; i++)
      sim.webhooks.create({
        url: `https://other.example.test/${i}`,
        description: `other ${i}`,
        status: 'DISABLED',
        authType: 'NONE',
        token: null,
        customHeaders: {},
        enabledEvents: ['person.deleted'],
      })
    const all = await api.list()
    expect(all).toHaveLength(205)
    expect(all[0]?.id).toBe(created.id)
    expect(calls('GET')).toHaveLength(2) // 200 a page, the most Personio allows

    const updated = await api.update(created.id, { enabled_events: ['attendance-period.created'] })
    expect(updated.enabled_events).toEqual(['attendance-period.created'])
    await api.remove(created.id)
    expect(sim.webhooks.subscriptions.has(created.id)).toBe(false)
  })

  it('replaces a token that expired and tries a write once more', async () => {
    const api = webhooks()
    const created = await api.create(desired)
    sim.company.clock.advance(25 * 3_600_000) // past the token's 24 h
    await api.update(created.id, { status: 'ENABLED' })
    expect(calls('PATCH').map((c) => c.status)).toEqual([401, 200])
    expect(sim.log.filter((l) => l.path === '/v2/auth/token')).toHaveLength(2)
  })

  it('a refusal is a PersonioHttpError with Personio’s reason; a write is sent once', async () => {
    const refused = await webhooks()
      .create({ ...desired, url: 'http://hooks.example.test/personio' })
      .catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(PersonioHttpError)
    expect(refused).toMatchObject({
      status: 422,
      personioMessage: 'Unprocessable entity: url must be an HTTPS endpoint, got http',
    })
    expect(calls('POST')).toHaveLength(1)

    // a 503 to a create is not retried either: the subscription may exist (register looks first)
    sim.faults.inject({ path: '/v2/webhooks', status: 503, times: 1 })
    const failed = await webhooks()
      .create(desired)
      .catch((error: unknown) => error)
    expect(failed).toMatchObject({ status: 503 })
    expect(calls('POST')).toHaveLength(2)
  })
})
