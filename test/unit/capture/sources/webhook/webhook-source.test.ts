// One gap-fill tick against an in-memory Personio: the events endpoint is read a page at a time,
// each page written to the inbox before the next is read; a fill that fails is a warning, never an
// error that would stop the inbox beside it; a subscription deleted or disabled while running puts
// the resource back on polling (one warning, the metric's channel) until it is ENABLED again.
import { settingsNow } from '../../../../../src/capture/sources/poll/cycle'
import {
  companyGate,
  gapFillTick,
  subscriptionWatch,
  type InboxWrite,
  type ReconcileIntervals,
} from '../../../../../src/capture/sources/webhook/webhook-source'
import { FencedError, PersonioHttpError } from '../../../../../src/errors'
import { subscribe } from '../../../../../src/ops/channels'
import { resources } from '../../../../../src/resources'
import { jsonPrepared, webhookWorld } from '../../../../support/webhook-context'

const resource = resources.attendances
const SUB = 'c0ffee00-0000-4000-8000-000000000001'
const reconcile: ReconcileIntervals = { following: 86_400_000, polling: 3_600_000 }
const status = (s: number) =>
  new PersonioHttpError(
    `Personio GET failed: ${s}`,
    { status: s, method: 'GET', endpoint: '/x' },
    {
      retriable: s >= 500,
    },
  )

const event = (n: number) => ({
  company_id: '1',
  event_name: 'attendance-period.updated',
  occurred_at: '2026-12-05T11:00:00Z',
  payload: { id: `0b8d6c3e-1f2a-4b5c-8d9e-${String(n).padStart(12, '0')}` },
})

/** Webhooks took over an hour ago: the next fill reads the events since then. */
function following(world: ReturnType<typeof webhookWorld>) {
  world.ctx.state.commit({
    resource: resource.name,
    known: new Map(),
    cursor: {
      v: 1,
      resource: resource.name,
      snapshotDone: true,
      webhookAt: Date.parse('2026-12-05T11:00:00Z'),
    },
  })
  world.ctx.webhooks.set(resource.name, true, reconcile.following)
}

function setUp(answer: { subscription: () => unknown; events: (target: string) => unknown }) {
  const world = webhookWorld((target) => {
    if (target === `/v2/webhooks/${SUB}`) return answer.subscription()
    if (target.startsWith(`/v2/webhooks/${SUB}/events`)) return answer.events(target)
    throw status(404)
  })
  following(world)
  const writes: number[] = []
  const write: InboxWrite = (events) => {
    writes.push(events.length)
    return Promise.resolve()
  }
  const tick = () =>
    gapFillTick(world.ctx, resource, () => Promise.resolve(jsonPrepared(resource)), {
      subscriptionId: SUB,
      subscription: subscriptionWatch(world.ctx, SUB, 0),
      write,
      gapFillMs: 300_000,
      reconcile,
    })
  return { world, writes, tick }
}

const enabled = (state = 'ENABLED') => ({
  id: SUB,
  url: 'https://hooks.example.com/personio',
  status: state,
  enabled_events: [...(resource.webhookEvents ?? [])],
})

describe('capture > webhook runner > gap fill', () => {
  it('writes the events endpoint into the inbox a page at a time', async () => {
    const { tick, writes, world } = setUp({
      subscription: () => enabled(),
      events: (target) =>
        target.includes('cursor=')
          ? { _data: [event(3)], _meta: { links: {} } }
          : {
              _data: [event(1), event(2)],
              _meta: { links: { next: { href: `/v2/webhooks/${SUB}/events?cursor=2` } } },
            },
    })
    expect(await tick()).toBe(3)
    expect(writes).toEqual([2, 1])
    // the position moved, with the fill's own transaction
    expect(world.ctx.state.cursor(resource.name).webhookAt).toBeGreaterThan(
      Date.parse('2026-12-05T11:00:00Z'),
    )
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
    expect(world.ctx.state.cursor(resource.name).webhookAt).toBe(Date.parse('2026-12-05T11:00:00Z'))
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
      events: () => ({ _data: [], _meta: { links: {} } }),
    })
    const following: boolean[] = []
    const off = subscribe('personio-kafka:webhooks:following', (e) => following.push(e.following))
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
      expect(now().reconcileMs).toBe(reconcile.following)
      expect(following).toEqual([false, true])
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
})

describe('capture > webhook runner > subscription registered again', () => {
  it('follows the new subscription for our URL after the old one was deleted, without a restart', async () => {
    const NEW = 'c0ffee00-0000-4000-8000-000000000002'
    const url = 'https://hooks.example.com/personio'
    let registered = false
    const world = webhookWorld((target) => {
      if (target === `/v2/webhooks/${SUB}`) throw status(404)
      if (target.startsWith('/v2/webhooks?'))
        return { _data: registered ? [{ ...enabled(), id: NEW, url }] : [], _meta: { links: {} } }
      if (registered && target === `/v2/webhooks/${NEW}`) return { ...enabled(), id: NEW, url }
      if (registered && target.startsWith(`/v2/webhooks/${NEW}/events`))
        return { _data: [event(1)], _meta: { links: {} } }
      throw status(404)
    })
    following(world)
    const writes: number[] = []
    const subscription = subscriptionWatch(world.ctx, SUB, 0, url)
    const tick = () =>
      gapFillTick(world.ctx, resource, () => Promise.resolve(jsonPrepared(resource)), {
        subscriptionId: SUB,
        subscription,
        write: (events) => {
          writes.push(events.length)
          return Promise.resolve()
        },
        gapFillMs: 300_000,
        reconcile,
      })
    await tick() // deleted, nothing in its place: polled again
    expect(world.ctx.webhooks.state(resource.name)).toBe(false)
    registered = true // `webhooks register` made a new one
    await expect(tick()).resolves.toBe(1)
    expect(world.ctx.webhooks.state(resource.name)).toBe(true)
    expect(writes).toEqual([1])
    expect(world.requests.filter((r) => r.startsWith(`/v2/webhooks/${NEW}/events`))).toHaveLength(1)
    // from then on the new one is asked for by its id: the old id costs no more requests
    const asked = world.requests.length
    await tick()
    expect(world.requests.slice(asked).filter((r) => !r.includes('/events'))).toEqual([`/v2/webhooks/${NEW}`])
  })
})

describe('capture > webhook runner > company', () => {
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

describe('capture > webhook runner > subscription', () => {
  it('reads the subscription once for the fills of every resource that start together', async () => {
    const world = webhookWorld(() => enabled())
    const watch = subscriptionWatch(world.ctx, SUB, 150_000)
    await Promise.all([watch(), watch(), watch()])
    await watch()
    expect(world.requests).toEqual([`/v2/webhooks/${SUB}`])
  })
})

describe('capture > webhook runner > gap fill, fenced', () => {
  it('stops when another instance took over: a fenced fill is no warning to retry', async () => {
    const { tick, world } = setUp({
      subscription: () => enabled(),
      events: () => ({ _data: [event(1)], _meta: { links: {} } }),
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
