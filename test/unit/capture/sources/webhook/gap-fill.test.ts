// The gap fill against an in-memory Personio: the events endpoint is read a page at a time, each
// page written to the inbox before the next is read; one read serves every covered resource, from
// the oldest position among them, and each resource's position moves in its own transaction; a
// fill that fails is a warning, never an error that would stop the inbox beside it; a subscription
// deleted or disabled while running puts the resource back on polling (one warning, the metric's
// channel) until it is ENABLED again.
import { VirtualTimeScheduler } from 'rxjs'
import { settingsNow } from '../../../../../src/capture/sources/poll/cycle'
import {
  companyGate,
  createGapFill,
  fillRound,
  type GapFillOptions,
  type InboxWrite,
} from '../../../../../src/capture/sources/webhook/gap-fill'
import { subscriptionWatch } from '../../../../../src/capture/sources/webhook/webhook-source'
import { FencedError, PersonioHttpError } from '../../../../../src/errors'
import { subscribe } from '../../../../../src/ops/channels'
import { resources, type Resource } from '../../../../../src/resources'
import type { WebhookEvent } from '../../../../../src/webhooks/envelope'
import { jsonPrepared, webhookWorld } from '../../../../support/webhook-context'

const resource = resources.attendances
const SUB = 'c0ffee00-0000-4000-8000-000000000001'
const RECONCILE_MS = 86_400_000
const HOUR_AGO = Date.parse('2026-12-05T11:00:00Z')
const status = (s: number) =>
  new PersonioHttpError(
    `Personio GET failed: ${s}`,
    { status: s, method: 'GET', endpoint: '/x' },
    {
      retriable: s >= 500,
    },
  )

const event = (n: number, name = 'attendance-period.updated', at = '2026-12-05T11:00:00Z') => ({
  company_id: '1',
  event_name: name,
  occurred_at: at,
  payload: { id: `0b8d6c3e-1f2a-4b5c-8d9e-${String(n).padStart(12, '0')}` },
})
const page = (...items: unknown[]) => ({ _data: items, _meta: { links: {} } })

type World = ReturnType<typeof webhookWorld>

/**
 * Webhooks took over at `at` (an hour ago): the next fill reads the events since then. `null`:
 * they are taking over now, the first fill marks where.
 */
function following(world: World, r: Resource = resource, at: number | null = HOUR_AGO) {
  world.ctx.state.commit({
    resource: r.name,
    known: new Map(),
    cursor: { v: 1, resource: r.name, snapshotDone: true, ...(at === null ? {} : { webhookAt: at }) },
  })
  world.ctx.webhooks.set(r.name, true, RECONCILE_MS)
}

const enabled = (state = 'ENABLED', covered: readonly Resource[] = [resource]) => ({
  id: SUB,
  url: 'https://hooks.example.com/personio',
  status: state,
  enabled_events: covered.flatMap((r) => r.webhookEvents ?? []),
})

/** What the fill wrote into the inbox, page by page. */
function inbox() {
  const writes: WebhookEvent[][] = []
  const write: InboxWrite = (events) => {
    writes.push(events.map((e) => e.event))
    return Promise.resolve()
  }
  return { writes, write }
}

const options = (world: World, write: InboxWrite, extra: Partial<GapFillOptions> = {}): GapFillOptions => ({
  subscriptionId: SUB,
  subscription: subscriptionWatch(world.ctx, SUB, 0),
  write,
  gapFillMs: 300_000,
  reconcileMs: RECONCILE_MS,
  ...extra,
})

/** One fill for `served`; the outcome of each (its events written, or the error that stops it). */
async function fillFor(world: World, served: readonly Resource[], o: GapFillOptions) {
  const out = await fillRound(
    world.ctx,
    served.map((r) => ({ resource: r, prepare: () => Promise.resolve(jsonPrepared(r)) })),
    o,
  )
  // each outcome once its position is saved
  const settled = new Map(await Promise.all([...out].map(async ([name, o]) => [name, await o] as const)))
  return (r: Resource) => {
    const outcome = settled.get(r.name)
    if (outcome?.status === 'rejected') throw outcome.reason
    return outcome?.value
  }
}

function setUp(answer: { subscription: () => unknown; events: (target: string) => unknown }) {
  const world = webhookWorld((target) => {
    if (target === `/v2/webhooks/${SUB}`) return answer.subscription()
    if (target.startsWith(`/v2/webhooks/${SUB}/events`)) return answer.events(target)
    throw status(404)
  })
  following(world)
  const { writes, write } = inbox()
  const tick = async () => (await fillFor(world, [resource], options(world, write)))(resource)
  return { world, writes, tick }
}

describe('capture > webhook gap fill', () => {
  it('writes the events endpoint into the inbox a page at a time', async () => {
    const { tick, writes, world } = setUp({
      subscription: () => enabled(),
      events: (target) =>
        target.includes('cursor=')
          ? page(event(3))
          : {
              _data: [event(1), event(2)],
              _meta: { links: { next: { href: `/v2/webhooks/${SUB}/events?cursor=2` } } },
            },
    })
    expect(await tick()).toBe(3)
    expect(writes.map((w) => w.length)).toEqual([2, 1])
    // the position moved, with the fill's own transaction
    expect(world.ctx.state.cursor(resource.name).webhookAt).toBeGreaterThan(HOUR_AGO)
  })

  it('moves the position only once the events read are written into the inbox', async () => {
    const world = webhookWorld((target) =>
      target.startsWith(`/v2/webhooks/${SUB}/events`) ? page(event(1)) : enabled(),
    )
    following(world)
    let written = () => undefined as void
    const writing = new Promise<void>((r) => (written = r))
    const round = fillFor(
      world,
      [resource],
      options(world, () => writing),
    )
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    expect(world.ctx.state.cursor(resource.name).webhookAt).toBe(HOUR_AGO)
    expect(world.transactions).toHaveLength(0)
    written()
    expect((await round)(resource)).toBe(1)
    expect(world.ctx.state.cursor(resource.name).webhookAt).toBeGreaterThan(HOUR_AGO)
  })

  it('turns a failing fill into a warning: the inbox goes on, the position stays for the next fill', async () => {
    const { tick, world } = setUp({
      subscription: () => enabled(),
      events: () => {
        throw status(503)
      },
    })
    await expect(tick()).resolves.toBeUndefined()
    expect(world.warnings.join('\n')).toMatch(/gap fill .* failed .*tries again in 300 s, the inbox goes on/)
    expect(world.ctx.state.cursor(resource.name).webhookAt).toBe(HOUR_AGO)
  })

  it('stops the resource on a refused credential: a lost scope is no warning to retry', async () => {
    for (const code of [401, 403]) {
      const { tick, world } = setUp({
        subscription: () => enabled(),
        events: () => {
          throw status(code)
        },
      })
      await expect(tick()).rejects.toMatchObject({ status: code })
      expect(world.warnings).toEqual([])
    }
  })

  it('polls a resource again while its subscription is disabled or deleted, and follows webhooks once it is back', async () => {
    let subscription: () => unknown = () => enabled('DISABLED')
    const { tick, world } = setUp({
      subscription: () => subscription(),
      events: () => page(),
    })
    const follows: boolean[] = []
    const off = subscribe('personio-kafka:webhooks:following', (e) => follows.push(e.following))
    try {
      const now = () => settingsNow(world.ctx, resource.name)
      await tick()
      expect(world.ctx.webhooks.state(resource.name)).toBe(false)
      expect(now().reconcileMs).toBe(world.ctx.settings[resource.name].reconcileMs)
      subscription = () => {
        throw status(404)
      }
      await tick() // deleted now: still polling, no second warning
      expect(world.warnings.filter((w) => /polled again/.test(w))).toEqual([
        `attendances: webhook subscription ${SUB} is DISABLED; polled again until it is back (run \`personio-kafka webhooks register\`)`,
      ])
      expect(world.requests.some((r) => r.includes('/events'))).toBe(false)
      subscription = () => enabled()
      await tick()
      expect(world.ctx.webhooks.state(resource.name)).toBe(true)
      expect(now().reconcileMs).toBe(RECONCILE_MS)
      expect(follows).toEqual([false, true])
    } finally {
      off()
    }
  })

  it('takes an events endpoint answering 404 for a deleted subscription', async () => {
    const { tick, world } = setUp({
      subscription: () => enabled(),
      events: () => {
        throw status(404)
      },
    })
    await tick()
    expect(world.ctx.webhooks.state(resource.name)).toBe(false)
  })

  it('stops when another instance took over: a fenced fill is no warning to retry', async () => {
    const { tick, world } = setUp({
      subscription: () => enabled(),
      events: () => page(event(1)),
    })
    const fenced = new FencedError('Another instance took over the transactional id')
    world.ctx.events = {
      publish: () => Promise.reject(fenced),
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
    }
    await expect(tick()).rejects.toBe(fenced)
  })
})

describe('capture > webhook gap fill > subscription registered again', () => {
  it('follows the new subscription for our URL after the old one was deleted, without a restart', async () => {
    const NEW = 'c0ffee00-0000-4000-8000-000000000002'
    const url = 'https://hooks.example.com/personio'
    let registered = false
    const world = webhookWorld((target) => {
      if (target === `/v2/webhooks/${SUB}`) throw status(404)
      if (target.startsWith('/v2/webhooks?'))
        return { _data: registered ? [{ ...enabled(), id: NEW, url }] : [], _meta: { links: {} } }
      if (registered && target === `/v2/webhooks/${NEW}`) return { ...enabled(), id: NEW, url }
      if (registered && target.startsWith(`/v2/webhooks/${NEW}/events`)) return page(event(1))
      throw status(404)
    })
    following(world)
    const { writes, write } = inbox()
    const o = options(world, write, { subscription: subscriptionWatch(world.ctx, SUB, 0, url) })
    const tick = async () => (await fillFor(world, [resource], o))(resource)
    await tick() // deleted, nothing in its place: polled again
    expect(world.ctx.webhooks.state(resource.name)).toBe(false)
    registered = true // `webhooks register` made a new one
    await expect(tick()).resolves.toBe(1)
    expect(world.ctx.webhooks.state(resource.name)).toBe(true)
    expect(writes.map((w) => w.length)).toEqual([1])
    expect(world.requests.filter((r) => r.startsWith(`/v2/webhooks/${NEW}/events`))).toHaveLength(1)
    // from then on the new one is asked for by its id: the old id costs no more requests
    const asked = world.requests.length
    await tick()
    expect(world.requests.slice(asked).filter((r) => !r.includes('/events'))).toEqual([`/v2/webhooks/${NEW}`])
  })
})

describe('capture > webhook gap fill > company', () => {
  it('learns our company from the events endpoint, then refuses events naming another', () => {
    const gate = companyGate()
    const named = (companyId: string) => ({ name: 'person.updated', id: '7', occurredAt: 0, companyId })
    expect(gate.admits(named('666'))).toBe(true) // not known yet
    gate.learn([{ event: named('666') }], 'delivery') // a delivery proves nothing
    gate.learn([{ event: named('1') }], 'events-endpoint')
    expect(gate.admits(named('1'))).toBe(true)
    expect(gate.admits(named('666'))).toBe(false)
  })
})

describe('capture > webhook gap fill > one read for every covered resource', () => {
  const { employees, attendances, absences } = resources
  const covered = [employees, absences, attendances]
  const person = (n: number, at: string) => ({
    ...event(n, 'person.updated', at),
    payload: { id: String(n) },
  })

  function world(events: () => unknown) {
    const w = webhookWorld((target) => {
      if (target === `/v2/webhooks/${SUB}`) return enabled('ENABLED', covered)
      if (target.startsWith(`/v2/webhooks/${SUB}/events`)) return events()
      throw status(404)
    })
    return w
  }
  const eventReads = (w: World) => w.requests.filter((r) => r.includes('/events'))

  it('reads from the oldest position, writes each event once, and counts for each resource what it would have read', async () => {
    const w = world(() =>
      page(
        event(1, 'attendance-period.updated', '2026-12-05T10:55:00Z'),
        person(7, '2026-12-05T11:10:00Z'), // before employees' own position less the overlap
        person(8, '2026-12-05T11:40:00Z'),
      ),
    )
    following(w, attendances, HOUR_AGO)
    following(w, employees, Date.parse('2026-12-05T11:30:00Z'))
    const { writes, write } = inbox()
    const filled = await fillFor(w, [employees, attendances], options(w, write))
    expect(eventReads(w)).toEqual([
      `/v2/webhooks/${SUB}/events?limit=200&occurred_at.gte=2026-12-05T10%3A50%3A00Z`,
    ])
    expect(writes.map((page) => page.map((e) => `${e.name} ${e.id}`))).toEqual([
      ['attendance-period.updated 0b8d6c3e-1f2a-4b5c-8d9e-000000000001', 'person.updated 8'],
    ])
    expect([filled(employees), filled(attendances)]).toEqual([1, 1])
    // each resource's position moved in its own transaction
    expect(w.transactions).toHaveLength(2)
    for (const r of [employees, attendances])
      expect(w.ctx.state.cursor(r.name).webhookAt).toBeGreaterThan(Date.parse('2026-12-05T11:30:00Z'))
  })

  it('only marks where webhooks took over for a resource filled the first time, and rechecks one too far behind', async () => {
    const w = world(() => page())
    following(w, employees, null) // the first fill: polling covered what came before
    following(w, absences, Date.parse('2026-10-01T00:00:00Z')) // older than the events kept
    following(w, attendances, HOUR_AGO)
    const { write } = inbox()
    const filled = await fillFor(w, covered, options(w, write))
    expect(covered.map((r) => filled(r))).toEqual([0, 0, 0])
    // only attendances read: from its own position
    expect(eventReads(w)).toEqual([
      `/v2/webhooks/${SUB}/events?limit=200&occurred_at.gte=2026-12-05T10%3A50%3A00Z`,
    ])
    // marked where the fill began (the clock less the skew margin), nothing read for it
    expect(w.ctx.state.cursor(employees.name).webhookAt).toBe(Date.parse('2026-12-05T11:59:55Z'))
    expect(w.ctx.state.cursor(absences.name)).toMatchObject({ recheck: true })
    expect(w.warnings).toEqual([
      'absences: the last webhook position is older than the 30 days Personio keeps events; the next cycle lists everything',
    ])
  })

  it('fills a resource that joins after the first tick at once, on its own, and every resource once per tick after', async () => {
    const w = world(() => page())
    for (const r of covered) following(w, r)
    const scheduler = new VirtualTimeScheduler()
    const advance = async (ms: number) => {
      scheduler.maxFrames = scheduler.frame + ms
      for (let i = 0; i < 20; i++) {
        scheduler.flush()
        await new Promise((r) => setImmediate(r))
      }
    }
    const gapFill = createGapFill(
      w.ctx,
      scheduler,
      options(w, () => Promise.resolve()),
    )
    const counts = new Map<string, number>()
    const join = (r: Resource) =>
      gapFill
        .fills(r, () => Promise.resolve(jsonPrepared(r)))
        .subscribe(() => counts.set(r.name, (counts.get(r.name) ?? 0) + 1))
    const subs = [join(employees), join(absences)]
    await advance(0)
    expect(eventReads(w)).toHaveLength(1)
    subs.push(join(attendances)) // restarted after a failure, say
    await advance(0)
    expect(eventReads(w)).toHaveLength(2)
    expect(Object.fromEntries(counts)).toEqual({ employees: 1, absences: 1, attendances: 1 })
    await advance(300_000)
    expect(eventReads(w)).toHaveLength(3)
    expect(Object.fromEntries(counts)).toEqual({ employees: 2, absences: 2, attendances: 2 })
    for (const s of subs) s.unsubscribe()
    await advance(600_000)
    expect(eventReads(w)).toHaveLength(3) // nobody served: no tick
  })

  it("ends a round once its events are written: a resource whose turn is taken sits out, the others' fills go on", async () => {
    const w = world(() => page(event(1), person(8, '2026-12-05T11:40:00Z')))
    const [before, after] = [HOUR_AGO, Date.parse('2026-12-05T11:59:55Z')]
    for (const r of [employees, attendances]) following(w, r)
    // a reconcile's second listing holds employees' turn (sources/poll/finish.ts)
    let release = () => undefined as void
    void w.ctx.serial(employees.name, () => new Promise<void>((r) => (release = r)))
    const scheduler = new VirtualTimeScheduler()
    const advance = async (ms: number) => {
      scheduler.maxFrames = scheduler.frame + ms
      for (let i = 0; i < 20; i++) {
        scheduler.flush()
        await new Promise((r) => setImmediate(r))
      }
    }
    const gapFill = createGapFill(
      w.ctx,
      scheduler,
      options(w, () => Promise.resolve()),
    )
    const counts = new Map<string, number>()
    const subs = [employees, attendances].map((r) =>
      gapFill
        .fills(r, () => Promise.resolve(jsonPrepared(r)))
        .subscribe(() => counts.set(r.name, (counts.get(r.name) ?? 0) + 1)),
    )
    const at = (r: Resource) => w.ctx.state.cursor(r.name).webhookAt
    await advance(0)
    expect(Object.fromEntries(counts)).toEqual({ attendances: 1 })
    expect([at(employees), at(attendances)]).toEqual([before, after])
    // the next tick fills attendances alone, from its own position: employees' save still waits
    await advance(300_000)
    expect(eventReads(w)).toEqual([
      `/v2/webhooks/${SUB}/events?limit=200&occurred_at.gte=2026-12-05T10%3A50%3A00Z`,
      `/v2/webhooks/${SUB}/events?limit=200&occurred_at.gte=2026-12-05T11%3A49%3A55Z`,
    ])
    expect(Object.fromEntries(counts)).toEqual({ attendances: 2 })
    release()
    await advance(0)
    expect(Object.fromEntries(counts)).toEqual({ employees: 1, attendances: 2 })
    expect(at(employees)).toBe(after)
    // and it is back in the rounds after
    await advance(300_000)
    expect(Object.fromEntries(counts)).toEqual({ employees: 2, attendances: 3 })
    for (const s of subs) s.unsubscribe()
  })
})
