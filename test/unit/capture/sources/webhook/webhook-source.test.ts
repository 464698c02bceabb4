// The webhook source in memory: the subscription is read once for everything that asks at once,
// and the resources a subscription covers share one gap fill — per tick one read of the events
// endpoint and one of the attribute list, however many resources follow webhooks — while each
// reads its own inbox, skipping events of another company once the events endpoint told ours.
import { VirtualTimeScheduler } from 'rxjs'
import { createGapFill, type InboxWrite } from '../../../../../src/capture/sources/webhook/gap-fill'
import { subscriptionWatch, webhookPipeline } from '../../../../../src/capture/sources/webhook/webhook-source'
import type { StageReport } from '../../../../../src/capture/sources/report'
import { PersonioHttpError } from '../../../../../src/errors'
import type { Feed, FeedBatch, IncomingRecord } from '../../../../../src/kafka/port'
import { resources } from '../../../../../src/resources'
import { webhookWorld } from '../../../../support/webhook-context'

const SUB = 'c0ffee00-0000-4000-8000-000000000001'
const GAP_FILL_MS = 300_000
const covered = [resources.employees, resources.absences, resources.attendances]
const notFound = () =>
  new PersonioHttpError('Personio GET failed: 404', { status: 404, method: 'GET', endpoint: '/x' })
const enabled = () => ({
  id: SUB,
  url: 'https://hooks.example.com/personio',
  status: 'ENABLED',
  enabled_events: covered.flatMap((r) => r.webhookEvents ?? []),
})

describe('capture > webhook source > subscription', () => {
  it('reads the subscription once for the fills of every resource that start together', async () => {
    const world = webhookWorld(() => enabled())
    const watch = subscriptionWatch(world.ctx, SUB, 150_000)
    await Promise.all([watch(), watch(), watch()])
    await watch()
    expect(world.requests).toEqual([`/v2/webhooks/${SUB}`])
  })
})

/** An inbox that hands over `batches` once each, then waits until stopped. */
function inboxFeed(batches: IncomingRecord[][] = []): () => Feed {
  return () => {
    let stop: () => void = () => undefined
    return {
      run: async (handler: (batch: FeedBatch) => Promise<void>) => {
        for (const [i, records] of batches.entries())
          await handler({
            records,
            next: { groupId: 'g', offsets: [{ topic: 'p._webhooks', partition: 0, offset: String(i + 1) }] },
          })
        await new Promise<void>((r) => (stop = r))
      },
      stop: () => Promise.resolve(stop()),
    }
  }
}

/** Personio with every covered resource's events enabled; the events endpoint answers `events`. */
function followed(events: unknown[] = []) {
  const world = webhookWorld((target) => {
    if (target === `/v2/webhooks/${SUB}`) return enabled()
    if (target.startsWith(`/v2/webhooks/${SUB}/events`)) return { _data: events, _meta: { links: {} } }
    if (target === '/v1/company/employees/attributes') return { success: true, data: [] }
    throw notFound()
  })
  for (const r of covered) {
    world.ctx.state.commit({
      resource: r.name,
      known: new Map(),
      cursor: { v: 1, resource: r.name, snapshotDone: true, webhookAt: Date.parse('2026-12-05T11:00:00Z') },
    })
    world.ctx.webhooks.set(r.name, true, 86_400_000)
  }
  const scheduler = new VirtualTimeScheduler()
  /** moves virtual time on by `ms`, letting what each timer started settle */
  const advance = async (ms: number) => {
    scheduler.maxFrames = scheduler.frame + ms
    for (let i = 0; i < 30; i++) {
      scheduler.flush()
      await new Promise((r) => setImmediate(r))
    }
  }
  const written: string[] = []
  const write: InboxWrite = (batch) => {
    written.push(...batch.map((e) => e.event.name))
    return Promise.resolve()
  }
  const gapFill = createGapFill(world.ctx, scheduler, {
    subscriptionId: SUB,
    subscription: subscriptionWatch(world.ctx, SUB, GAP_FILL_MS / 2),
    write,
    gapFillMs: GAP_FILL_MS,
    reconcileMs: 86_400_000,
  })
  return { world, scheduler, advance, gapFill, written }
}

describe('capture > webhook source > one gap fill for every followed resource', () => {
  it('reads the events endpoint and the attribute list once per tick, however many resources follow webhooks', async () => {
    const { world, scheduler, advance, gapFill } = followed()
    const reports: StageReport[] = []
    const running = covered.map((r) =>
      webhookPipeline(world.ctx, r, scheduler, { feed: inboxFeed(), gapFill }).subscribe((x) =>
        reports.push(x),
      ),
    )
    const count = () => ({
      events: world.requests.filter((r) => r.includes('/events')).length,
      attributes: world.requests.filter((r) => r === '/v1/company/employees/attributes').length,
    })
    try {
      await advance(0)
      expect(count()).toEqual({ events: 1, attributes: 1 })
      await advance(GAP_FILL_MS)
      expect(count()).toEqual({ events: 2, attributes: 2 })
      // every resource reported its fill at each tick, and moved its own position
      expect(
        reports
          .filter((r) => r.plan === 'gap-fill')
          .map((r) => r.resource)
          .sort(),
      ).toEqual([...covered, ...covered].map((r) => r.name).sort())
      for (const r of covered)
        expect(world.ctx.state.cursor(r.name).webhookAt).toBeGreaterThan(Date.parse('2026-12-05T11:00:00Z'))
    } finally {
      for (const s of running) s.unsubscribe()
    }
  })

  it('skips an inbox event naming another company once the events endpoint told ours', async () => {
    const ours = {
      company_id: '1',
      event_name: 'attendance-period.updated',
      occurred_at: '2026-12-05T11:30:00Z',
    }
    const { world, scheduler, advance, gapFill } = followed([
      { ...ours, payload: { id: '0b8d6c3e-1f2a-4b5c-8d9e-000000000001' } },
    ])
    let deliver: (records: IncomingRecord[]) => Promise<void> = () => Promise.resolve()
    const feed = (): Feed => ({
      run: (handler) =>
        new Promise<void>(() => {
          deliver = (records) => handler({ records, next: { groupId: 'g', offsets: [] } })
        }),
      stop: () => Promise.resolve(),
    })
    const running = webhookPipeline(world.ctx, resources.attendances, scheduler, {
      feed,
      gapFill,
    }).subscribe()
    try {
      await advance(0) // the fill: our company is 1
      const id = '0b8d6c3e-1f2a-4b5c-8d9e-000000000002'
      await deliver([
        {
          topic: 'p._webhooks',
          partition: 0,
          offset: '0',
          key: Buffer.from('k'),
          value: Buffer.from(JSON.stringify({ ...ours, company_id: '666', payload: { id } })),
          headers: {},
          timestamp: 0,
        },
      ])
      expect(world.warnings).toContain(
        'attendances: a attendance-period.updated event names company 666, not ours (1); skipped',
      )
      expect(world.requests.some((r) => r.includes(id))).toBe(false)
    } finally {
      running.unsubscribe()
    }
  })
})
