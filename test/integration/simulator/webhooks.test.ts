// The simulator's webhook emitter as a receiver sees it: which events fire, their envelope, and
// Personio's delivery rules (3 s ack, retries on timeout and 5xx except 501, at most 14 requests).
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { collect, createPersonioClient } from '../../../src/personio'
import { startSimulator, type RunningSimulator, type WebhookEnvelope } from '../../../src/simulator'

interface Receiver {
  url: string
  received: WebhookEnvelope[]
  close(): Promise<void>
}

/** A webhook receiver answering each request with the next status of `script` (the last repeats); 0 = never answer. */
async function receiver(script: number[]): Promise<Receiver> {
  const received: WebhookEnvelope[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEnvelope)
      const status = script[Math.min(received.length - 1, script.length - 1)] as number
      if (status !== 0) res.writeHead(status).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

describe('simulator > webhooks', () => {
  let sim: RunningSimulator | undefined
  let hooks: Receiver | undefined
  afterEach(async () => {
    await sim?.close()
    await hooks?.close()
  })

  async function start(script: number[], options: { ackTimeoutMs?: number } = {}) {
    hooks = await receiver(script)
    sim = await startSimulator({
      employees: 5,
      rateLimits: false,
      webhooks: { url: hooks.url, companyId: 42, retryDelaysMs: [5, 5, 5, 5, 5, 5], ...options },
    })
    return { sim, hooks }
  }

  it('fires person and employment events with ids only, for the attributes each covers', async () => {
    const { sim, hooks } = await start([200])
    const [a, b] = sim.company.list('employees')
    if (a === undefined || b === undefined) throw new Error('no employees')
    sim.company.clock.advance(60_000)
    sim.company.update('employees', a.id, { lastName: 'Neumann' })
    sim.company.update('employees', b.id, { position: 'Team Lead (new)' })
    // through the control API, as an outside test would
    const res = await request(`${sim.url}/_sim/employees/${a.id}`, { method: 'DELETE' })
    expect(res.statusCode).toBe(200)
    await res.body.dump()
    const created = sim.company.create('employees', { firstName: 'Neu' })
    sim.company.update('timeOffs', sim.company.list('timeOffs')[0]?.id as number, { comment: 'no event' })
    await sim.webhooks?.idle()

    const events = hooks.received.map((e) => [e.event_name, e.payload.id])
    expect(events).toEqual([
      ['person.updated', String(a.id)],
      ['employment.updated', expect.stringMatching(/^[0-9a-f-]{36}$/)],
      ['person.deleted', String(a.id)],
      ['employment.deleted', expect.any(String)],
      ['person.created', String(created.id)],
      ['employment.created', expect.any(String)],
    ])
    expect(hooks.received[1]?.payload.person_id).toBe(String(b.id))
    expect(hooks.received[0]).toEqual({
      company_id: '42',
      event_name: 'person.updated',
      occurred_at: new Date(sim.company.clock.now()).toISOString().replace('.000Z', 'Z'),
      payload: { id: String(a.id) },
    })
    // the employment id in the event is the one the v2 API serves
    const client = createPersonioClient({
      baseUrl: sim.url,
      credentials: { clientId: 'sim-client', clientSecret: 'sim-secret' },
    })
    const [employment] = await collect(client.persons.employments(String(b.id)))
    expect(hooks.received[1]?.payload.id).toBe(employment?.id)
  })

  it('retries a 503 at once (fast try), gives up after 7 attempts of 2 tries, never retries 501', async () => {
    /** One employee edit against a receiver answering `script`; the deliveries once all settled. */
    const deliver = async (script: number[]) => {
      const { sim, hooks } = await start(script)
      sim.company.update('employees', sim.company.list('employees')[0]?.id as number, { firstName: 'X' })
      await sim.webhooks?.idle()
      const deliveries = sim.webhooks?.deliveries ?? []
      await sim.close()
      await hooks.close()
      return { deliveries, requests: hooks.received.length }
    }
    const flaky = await deliver([503, 200])
    expect(flaky.deliveries.map((d) => [d.attempt, d.try, d.outcome])).toEqual([
      [1, 1, 503],
      [1, 2, 200],
    ])
    const down = await deliver([500])
    expect(down.requests).toBe(14)
    expect(down.deliveries.every((d) => !d.delivered)).toBe(true)
    expect(Math.max(...down.deliveries.map((d) => d.attempt))).toBe(7)
    const refused = await deliver([501])
    expect(refused.requests).toBe(1)
  })

  it('counts a receiver that does not answer within the ack timeout as a failure and retries', async () => {
    const { sim, hooks } = await start([0, 0, 204], { ackTimeoutMs: 150 })
    sim.company.update('employees', sim.company.list('employees')[0]?.id as number, {
      email: 'new@example.com',
    })
    await sim.webhooks?.idle()
    expect(sim.webhooks?.deliveries.map((d) => d.outcome)).toEqual(['timeout', 'timeout', 204])
    expect(hooks.received.map((e) => e.event_name)).toEqual([
      'person.updated',
      'person.updated',
      'person.updated',
    ])
  })
})
