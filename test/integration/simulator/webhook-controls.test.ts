// The delivery controls tests and the demo use to make Personio's "at least once, no order"
// happen on purpose: drop, delay, duplicate and reorder deliveries, over `/_sim/webhooks/…` and
// in-process, deterministic for a seed.
import { request } from 'undici'
import { startSimulator, type DeliveryControlSpec, type RunningSimulator } from '../../../src/simulator'
import { allPages, simApi, type EventJson, type WebhookJson } from '../../support/sim-api'
import { webhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver'

describe('simulator > webhooks > delivery controls', () => {
  const running: { sim: RunningSimulator; hooks: WebhookReceiver }[] = []
  afterEach(async () => {
    for (const { sim, hooks } of running.splice(0)) {
      await sim.close()
      await hooks.close()
    }
  })

  /** A simulator with one ENABLED subscription to person.updated, registered over the API. */
  async function start(seed = 1) {
    const hooks = await webhookReceiver()
    const sim = await startSimulator({ seed, employees: 2, rateLimits: false, webhooks: { allowHttp: true } })
    running.push({ sim, hooks })
    const api = await simApi(sim)
    const created = await api<WebhookJson>('POST', '/v2/webhooks', {
      url: hooks.url,
      description: 'controls',
      status: 'ENABLED',
      token: 'tok-controls-0123456789abc',
      enabled_events: ['person.updated'],
    })
    /** `n` person.updated events; their occurred_at values, in the order they happened */
    const fire = (n: number) => {
      const stamps: string[] = []
      for (let i = 0; i < n; i++) {
        sim.company.update('employees', sim.company.list('employees')[0]?.id as number, { lastName: `L${i}` })
        stamps.push(new Date(sim.company.clock.latest()).toISOString().replace('.000Z', 'Z'))
      }
      return stamps
    }
    const control = async (method: 'POST' | 'DELETE', path: string, body?: DeliveryControlSpec) => {
      const res = await request(`${sim.url}/_sim/webhooks/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.body.text()
      return { status: res.statusCode, body: JSON.parse(text) as { error?: string } }
    }
    const received = () => hooks.received.map((r) => r.body.occurred_at)
    return { sim, hooks, api, id: created.body.id, fire, control, received }
  }

  it('drops the next N deliveries: recorded as events, never received, no activity', async () => {
    const { sim, api, id, fire, control, received } = await start()
    expect((await control('POST', 'controls', { drop: { next: 2 } })).status).toBe(201)
    const stamps = fire(4)
    await sim.webhooks.idle()
    expect(received()).toEqual(stamps.slice(2))
    expect((await allPages<EventJson>(api, `/v2/webhooks/${id}/events`)).items).toHaveLength(4)
    expect((await allPages(api, `/v2/webhooks/${id}/activity`)).items).toHaveLength(2)
  })

  it('drops a fraction of deliveries, the same ones for the same seed', async () => {
    const runs: string[][] = []
    for (const seed of [7, 7]) {
      const { sim, fire, control, hooks } = await start(seed)
      await control('POST', 'controls', { drop: { fraction: 0.5 } })
      const stamps = fire(20)
      await sim.webhooks.idle()
      runs.push(hooks.received.map((r) => String(stamps.indexOf(r.body.occurred_at))))
    }
    expect(runs[0]).toEqual(runs[1])
    expect(runs[0]?.length).toBeGreaterThan(2)
    expect(runs[0]?.length).toBeLessThan(18)
  })

  it('duplicates deliveries: the same envelope twice', async () => {
    const { sim, hooks, fire, control, received } = await start()
    await control('POST', 'controls', { duplicate: { next: 1 } })
    const stamps = fire(3)
    await sim.webhooks.idle()
    expect(received()).toEqual([stamps[0], stamps[0], stamps[1], stamps[2]])
    expect(hooks.received[0]?.body).toEqual(hooks.received[1]?.body)

    sim.webhooks.controls.set({ duplicate: { fraction: 1 } })
    const more = fire(2)
    await sim.webhooks.idle()
    expect(received().slice(4)).toEqual([more[0], more[0], more[1], more[1]])
  })

  it('delays deliveries by the given time', async () => {
    const { sim, hooks, fire, control } = await start()
    await control('POST', 'controls', { delayMs: 400 })
    const fired = Date.now()
    fire(1)
    await sim.webhooks.idle()
    expect(hooks.received).toHaveLength(1)
    expect((hooks.received[0]?.at ?? 0) - fired).toBeGreaterThanOrEqual(380)
  })

  it('reorders: windows released reversed, or shuffled the same way for a seed; a partial window on flush', async () => {
    const { sim, fire, control, received } = await start()
    await control('POST', 'controls', { reorder: { window: 3, order: 'reverse', maxHoldMs: 60_000 } })
    const stamps = fire(5)
    await new Promise((r) => setTimeout(r, 100))
    // the first window went out reversed; the last two are held until the window fills or a flush
    expect(received()).toEqual([stamps[2], stamps[1], stamps[0]])
    expect((await control('POST', 'flush')).status).toBe(200)
    await sim.webhooks.idle()
    expect(received()).toEqual([stamps[2], stamps[1], stamps[0], stamps[4], stamps[3]])

    const orders: number[][] = []
    for (const seed of [3, 3]) {
      const run = await start(seed)
      await run.control('POST', 'controls', { reorder: { window: 6, order: 'shuffle' } })
      const fired = run.fire(6)
      await run.sim.webhooks.idle()
      orders.push(run.received().map((s) => fired.indexOf(s)))
    }
    expect(orders[0]).toEqual(orders[1])
    expect([...(orders[0] ?? [])].sort()).toEqual([0, 1, 2, 3, 4, 5])
    expect(orders[0]).not.toEqual([0, 1, 2, 3, 4, 5])
  })

  it('refuses a control that makes no sense, and clears them all', async () => {
    const { sim, fire, control, received } = await start()
    for (const bad of [
      { drop: { fraction: 2 } },
      { reorder: { window: 1, order: 'reverse' } },
      { reorder: { window: 3, order: 'sideways' } },
      { delayMs: -5 },
    ] as DeliveryControlSpec[]) {
      const res = await control('POST', 'controls', bad)
      expect([bad, res.status]).toEqual([bad, 400])
    }
    await control('POST', 'controls', { drop: { next: 5 } })
    expect((await control('DELETE', 'controls')).status).toBe(200)
    const stamps = fire(2)
    await sim.webhooks.idle()
    expect(received()).toEqual(stamps)
  })
})
