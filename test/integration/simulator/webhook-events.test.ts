// Which company changes fire which webhook events, and what a subscription's `/events`,
// `/activity`, `/redelivery`, `/ping` and `/test-event` answer (personio-api.md §7.8), through the
// HTTP API with a receiver on this machine.
import { request } from 'undici'
import { startSimulator, type RunningSimulator, type WebhookOptions } from '../../../src/simulator'
import {
  allPages,
  simApi,
  type ActivityJson,
  type EventJson,
  type SimApi,
  type V2Page,
  type WebhookJson,
} from '../../support/sim-api'
import { webhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver'

const DAY = 86_400_000

describe('simulator > webhooks > events', () => {
  let sim: RunningSimulator | undefined
  let hooks: WebhookReceiver | undefined
  afterEach(async () => {
    await sim?.close()
    await hooks?.close()
  })

  async function start(script: number[] = [200], webhooks: WebhookOptions = {}) {
    hooks = await webhookReceiver(script)
    sim = await startSimulator({
      employees: 3,
      // pinned: Personio fires employment.started at a date's Berlin midnight; near midnight UTC the
      // wall clock's "tomorrow" would already have begun in Berlin
      now: '2026-01-15T09:00:00Z',
      rateLimits: false,
      webhooks: { allowHttp: true, retryDelaysMs: [20, 20], ...webhooks },
    })
    return { sim, hooks, api: await simApi(sim) }
  }

  async function subscribe(api: SimApi, url: string, events: string[], extra: Record<string, unknown> = {}) {
    const res = await api<WebhookJson>('POST', '/v2/webhooks', {
      url,
      description: 'test',
      status: 'ENABLED',
      token: 'tok-1234567890-abcdefghij',
      enabled_events: events,
      ...extra,
    })
    expect(res.status).toBe(201)
    return res.body.id
  }

  it('fires every documented event for its change, with the ids the v2 endpoints serve', async () => {
    const { sim, hooks, api } = await start()
    await subscribe(api, hooks.url, [
      'person.created',
      'person.updated',
      'person.deleted',
      'employment.created',
      'employment.updated',
      'employment.deleted',
      'employment.started',
      'employment.terminated',
      'absence-period.created',
      'absence-period.updated.timerange',
      'absence-period.updated.status',
      'absence-period.deleted',
      'attendance-period.created',
      'attendance-period.updated',
      'attendance-period.deleted',
    ])
    const c = sim.company
    const today = Math.floor(c.clock.now() / DAY)
    // persons and employments
    const hired = c.create('employees', { firstName: 'Neu', hireDate: today + 1, terminationDate: null })
    c.update('employees', hired.id, { lastName: 'Renamed' })
    c.update('employees', hired.id, { custom: { ...hired.custom, dynamic_x: 'M' } })
    c.update('employees', hired.id, { position: 'Lead' })
    c.update('employees', hired.id, { terminationDate: today + 3 })
    const advance = async (days: number) => {
      // over the control API, as the demo advances time
      const res = await request(`${sim.url}/_sim/clock/advance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ms: days * DAY }),
      })
      await res.body.dump()
    }
    await advance(2) // passes the hire date
    await advance(2) // passes the termination date
    c.remove('employees', hired.id)
    // absences: a daily one (v1 time-off, v2 id derived) and an hourly one
    const timeOff = c.list('timeOffs')[0]
    const hourly = c.list('absencePeriods')[0]
    if (timeOff === undefined || hourly === undefined) throw new Error('no absences generated')
    c.update('timeOffs', timeOff.id, { endDay: timeOff.endDay + 1 })
    c.update('timeOffs', timeOff.id, { status: timeOff.status === 'approved' ? 'pending' : 'approved' })
    c.update('timeOffs', timeOff.id, { comment: 'no event for a comment' })
    c.update('absencePeriods', hourly.id, { end: (hourly.end ?? hourly.start) + 3_600_000 })
    const newOff = c.create('timeOffs', { employeeId: timeOff.employeeId })
    c.remove('timeOffs', newOff.id)
    // attendances
    const work = c.create('attendances', { comment: 'new' })
    c.update('attendances', work.id, { comment: 'edited' })
    c.remove('attendances', work.id)
    await sim.webhooks.idle()

    const mine = new Set([String(hired.id), hourly.id, work.id])
    const byId = (e: { payload: { id?: string; person_id?: string } }) =>
      mine.has(e.payload.id ?? '') || mine.has(e.payload.person_id ?? '')
    const events = hooks.received.map((r) => r.body)
    const absenceIds = [
      ...new Set(events.filter((e) => e.event_name.startsWith('absence')).map((e) => e.payload.id)),
    ]
    const shown = events
      .filter((e) => byId(e) || e.event_name.startsWith('absence'))
      .map((e) => [e.event_name, e.payload.id === undefined ? undefined : 'id'])
    expect(shown.map(([name]) => name)).toEqual([
      'person.created',
      'employment.created',
      'person.updated',
      'person.updated',
      'employment.updated',
      'employment.updated',
      'employment.started',
      'employment.terminated',
      'person.deleted',
      'employment.deleted',
      'absence-period.updated.timerange',
      'absence-period.updated.status',
      'absence-period.updated.timerange',
      'absence-period.created',
      'absence-period.deleted',
      'attendance-period.created',
      'attendance-period.updated',
      'attendance-period.deleted',
    ])
    // dataless: ids only
    for (const e of events)
      expect(Object.keys(e.payload).every((k) => k === 'id' || k === 'person_id')).toBe(true)
    expect(events.every((e) => e.company_id === '1')).toBe(true)
    const started = events.find((e) => e.event_name === 'employment.started')
    expect(started?.payload.person_id).toBe(String(hired.id))
    // started on the effective date: Berlin midnight of the hire day, not the moment the clock moved
    expect(started?.occurred_at).toMatch(/T2[23]:00:00Z$/)
    // absence ids are v2 ids: the daily one (still there) answers on /v2/absence-periods/{id}
    expect(absenceIds).toHaveLength(3)
    const v2 = await api('GET', `/v2/absence-periods/${absenceIds[0] as string}`)
    expect(v2.status).toBe(200)
    expect(absenceIds[1]).toBe(hourly.id)
  })

  it('serves the events of the last 30 days by the simulated clock, filtered and in cursor pages', async () => {
    const { sim, hooks, api } = await start()
    const id = await subscribe(api, hooks.url, ['person.updated', 'employment.updated'])
    const person = sim.company.list('employees')[0]?.id as number
    const stamps: string[] = []
    for (let i = 0; i < 5; i++) {
      sim.company.clock.advance(60_000)
      sim.company.update('employees', person, { lastName: `N${i}` })
      stamps.push(new Date(sim.company.clock.now()).toISOString().replace('.000Z', 'Z'))
    }
    sim.company.update('employees', person, { position: 'Lead' })
    await sim.webhooks.idle()

    const all = await allPages<EventJson>(api, `/v2/webhooks/${id}/events?limit=2`)
    expect(all.pages).toBe(3)
    expect(all.items.map((e) => e.event_name)).toEqual([
      ...Array(5).fill('person.updated'),
      'employment.updated',
    ])
    expect(all.items.map((e) => e.occurred_at).slice(0, 5)).toEqual(stamps)
    expect(new Set(all.items.map((e) => e.id)).size).toBe(6)

    const query = async (q: string) =>
      (await allPages<EventJson>(api, `/v2/webhooks/${id}/events?${q}`)).items.map((e) => e.occurred_at)
    expect(await query('event_name=employment.updated')).toHaveLength(1)
    expect(await query(`occurred_at.gte=${stamps[3]}&event_name=person.updated`)).toEqual(stamps.slice(3))
    expect(await query(`occurred_at.lte=${stamps[1]}`)).toEqual(stamps.slice(0, 2))
    for (const bad of [
      'occurred_at.gte=yesterday',
      'event_name=person.moved',
      'is_delivered=true',
      'limit=0',
    ]) {
      expect([bad, (await api('GET', `/v2/webhooks/${id}/events?${bad}`)).status]).toEqual([bad, 400])
    }
    // 30 days later they are gone
    sim.company.clock.advance(31 * DAY)
    expect(await query('')).toEqual([])
  })

  it('records an event whether or not its delivery succeeds; the activity shows the failed tries and the retry', async () => {
    const { sim, hooks, api } = await start([500, 503, 200])
    const id = await subscribe(api, hooks.url, ['person.updated'])
    sim.company.update('employees', sim.company.list('employees')[0]?.id as number, { firstName: 'Retry' })
    await sim.webhooks.idle()
    expect(hooks.received).toHaveLength(3)

    const activity = async (q = '') =>
      (await allPages<ActivityJson>(api, `/v2/webhooks/${id}/activity${q}`)).items.map((a) => [
        a.attempt,
        a.try,
        a.status_code,
        a.is_delivered,
      ])
    expect(await activity()).toEqual([
      [1, 1, 500, false],
      [1, 2, 503, false],
      [2, 1, 200, true],
    ])
    expect(await activity('?is_delivered=false')).toHaveLength(2)
    expect(await activity('?is_delivered=true')).toEqual([[2, 1, 200, true]])
    expect(await activity('?event_name=person.created')).toEqual([])
    const later = new Date(sim.company.clock.now() + 60_000).toISOString()
    expect(await activity(`?completed_at.gte=${later}`)).toEqual([])
    expect((await api('GET', `/v2/webhooks/${id}/activity?is_delivered=yes`)).status).toBe(400)
    const events = await allPages<EventJson>(api, `/v2/webhooks/${id}/events`)
    expect(events.items).toHaveLength(1)
    const [first] = (await allPages<ActivityJson>(api, `/v2/webhooks/${id}/activity`)).items
    expect(first?.event_id).toBe(events.items[0]?.id)

    // a receiver that is down: the event is recorded all the same
    await hooks.close()
    sim.company.update('employees', sim.company.list('employees')[0]?.id as number, { firstName: 'Down' })
    await sim.webhooks.idle()
    expect((await allPages<EventJson>(api, `/v2/webhooks/${id}/events`)).items).toHaveLength(2)
    expect(await activity('?is_delivered=true')).toHaveLength(1)
  })

  it('redelivers recorded events of a time window; pings and test events reach the receiver with the token', async () => {
    const { sim, hooks, api } = await start()
    const id = await subscribe(api, hooks.url, ['person.updated'])
    const person = sim.company.list('employees')[0]?.id as number
    for (const name of ['A', 'B', 'C']) {
      sim.company.clock.advance(60_000)
      sim.company.update('employees', person, { firstName: name })
    }
    await sim.webhooks.idle()
    const events = (await allPages<EventJson>(api, `/v2/webhooks/${id}/events`)).items
    expect(hooks.received).toHaveLength(3)

    expect((await api('POST', `/v2/webhooks/${id}/redelivery`, {})).status).toBe(400)
    const redone = await api<V2Page<EventJson>>('POST', `/v2/webhooks/${id}/redelivery`, {
      'occurred_at.gte': events[1]?.occurred_at,
    })
    expect(redone.status).toBe(200)
    expect(redone.body._data.map((e) => e.id)).toEqual([events[1]?.id, events[2]?.id])
    await sim.webhooks.idle()
    expect(hooks.received.slice(3).map((r) => r.body.occurred_at)).toEqual([
      events[1]?.occurred_at,
      events[2]?.occurred_at,
    ])

    expect((await api('POST', `/v2/webhooks/${id}/ping`)).status).toBe(200)
    const test = await api<{ payload: { id: string } }>('POST', `/v2/webhooks/${id}/test-event`, {
      event_name: 'absence-period.deleted',
    })
    expect(test.status).toBe(200)
    await sim.webhooks.idle()
    const [ping, sample] = hooks.received.slice(5)
    expect(ping?.body.event_name).toBe('ping')
    expect(ping?.headers.authorization).toBe('tok-1234567890-abcdefghij')
    expect(sample?.body).toMatchObject({
      event_name: 'absence-period.deleted',
      payload: { id: test.body.payload.id },
    })
    // made-up ids: no such record
    expect((await api('GET', `/v2/absence-periods/${test.body.payload.id}`)).status).toBe(404)
    // neither is a recorded event
    expect((await allPages<EventJson>(api, `/v2/webhooks/${id}/events`)).items).toHaveLength(3)
    expect((await api('POST', `/v2/webhooks/${id}/test-event`, { event_name: 'person.moved' })).status).toBe(
      422,
    )

    await api('PATCH', `/v2/webhooks/${id}`, { status: 'DISABLED' })
    const disabled = await api('POST', `/v2/webhooks/${id}/redelivery`, {
      'occurred_at.lte': events[2]?.occurred_at,
    })
    expect(disabled.status).toBe(409)
  })

  it('records events of a DISABLED subscription only with recordWhileDisabled, and never delivers them', async () => {
    for (const recordWhileDisabled of [false, true]) {
      const { sim, hooks, api } = await start([200], { recordWhileDisabled })
      const id = await subscribe(api, hooks.url, ['person.updated'], { status: 'DISABLED' })
      sim.company.update('employees', sim.company.list('employees')[0]?.id as number, { firstName: 'Off' })
      await sim.webhooks.idle()
      expect(hooks.received).toEqual([])
      const recorded = (await allPages<EventJson>(api, `/v2/webhooks/${id}/events`)).items
      expect([recordWhileDisabled, recorded.length]).toEqual([
        recordWhileDisabled,
        recordWhileDisabled ? 1 : 0,
      ])
      await sim.close()
      await hooks.close()
    }
    sim = undefined
    hooks = undefined
  })
})
