// Inbox batches that together form a burst are held until the inbox is quiet, then applied as one
// (one listing, one commit of every batch's offsets); a lone change is applied at once; a stream of
// small batches is gathered for one quiet period at most; a burst that goes on is applied after
// the longest hold. In virtual time: nothing here waits for a wall clock.
import { Subscription, type SchedulerLike } from 'rxjs'
import {
  BURST_MAX_HOLD_MS,
  BURST_QUIET_MS,
  inboxHold,
  type Backlog,
} from '../../../../../src/capture/sources/webhook/inbox-hold'
import type { InboxWork } from '../../../../../src/capture/sources/webhook/inbox-apply'
import type { ConsumedOffsets } from '../../../../../src/kafka/port'

const work = (ids: readonly number[], at = 1_000): InboxWork => ({
  entities: new Map(ids.map((id) => [String(id), { deleted: false }])),
  events: ids.length,
  occurred: new Map(ids.map((id) => [String(id), at])),
  refused: [],
  oldest: at,
  newest: at,
})
const next = (partition: number, offset: number): ConsumedOffsets => ({
  groupId: 'g',
  offsets: [{ topic: 'p._webhooks', partition, offset: String(offset) }],
})
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i)

/** A clock that moves only when told, and runs the timers that fall due on the way. */
function manualScheduler() {
  let now = 0
  const timers = new Set<{ at: number; work: () => void }>()
  const scheduler = {
    now: () => now,
    schedule: (work: () => void, delay = 0) => {
      const timer = { at: now + delay, work }
      timers.add(timer)
      return new Subscription(() => timers.delete(timer))
    },
  } as unknown as SchedulerLike
  const advance = (ms: number) => {
    const until = now + ms
    for (;;) {
      const due = [...timers].filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      timers.delete(due)
      now = due.at
      due.work()
    }
    now = until
  }
  return { scheduler, advance }
}

function setUp() {
  const { scheduler, advance } = manualScheduler()
  const applied: { ids: string[]; next: ConsumedOffsets }[] = []
  const backlogs: Backlog[] = []
  const hold = inboxHold({
    scheduler,
    // a burst: more than 10 entities
    isBurst: (w) => w.entities.size > 10,
    apply: (w, n) => {
      applied.push({ ids: [...w.entities.keys()], next: n })
      return Promise.resolve()
    },
    onError: (error) => {
      throw error
    },
    onBacklog: (b) => backlogs.push(b),
  })
  /** moves virtual time on by `ms`, running what falls due, then lets the applies settle */
  const pass = async (ms: number) => {
    advance(ms)
    await new Promise((r) => setImmediate(r))
  }
  return { hold, applied, backlogs, pass }
}

describe('capture > inbox hold', () => {
  it('applies a lone change at once', async () => {
    const { hold, applied } = setUp()
    await hold.add(work([1]), next(0, 5))
    expect(applied).toEqual([{ ids: ['1'], next: next(0, 5) }])
  })

  it('holds the batches of a burst until the inbox is quiet, then applies them as one', async () => {
    const { hold, applied, backlogs, pass } = setUp()
    await hold.add(work(range(1, 8)), next(0, 10))
    expect(applied).toHaveLength(1) // no burst: applied at once
    await hold.add(work(range(100, 12)), next(0, 20))
    await hold.add(work(range(200, 8), 900), next(1, 7))
    await pass(BURST_QUIET_MS - 1)
    await hold.add(work([300]), next(0, 30)) // a change behind the burst joins its listing
    await pass(BURST_QUIET_MS - 1)
    expect(applied).toHaveLength(1)
    expect(backlogs.at(-1)).toEqual({ events: 21, entities: 21, oldestMs: 900 })
    await pass(1)
    expect(applied).toHaveLength(2)
    expect(applied[1]?.ids).toHaveLength(21)
    expect(applied[1]?.next.offsets).toEqual([
      { topic: 'p._webhooks', partition: 0, offset: '30' },
      { topic: 'p._webhooks', partition: 1, offset: '7' },
    ])
    expect(backlogs.at(-1)).toEqual({ events: 0, entities: 0 })
  })

  it('gathers a stream of small batches for one quiet period at most, then a lone change goes at once', async () => {
    const { hold, applied, pass } = setUp()
    await hold.add(work([1, 2, 3]), next(0, 3))
    expect(applied).toHaveLength(1)
    await pass(10)
    await hold.add(work([4, 5, 6]), next(0, 6)) // right behind: a stream
    await pass(BURST_QUIET_MS / 2)
    await hold.add(work([7, 8, 9]), next(0, 9))
    await pass(BURST_QUIET_MS / 2 - 1) // one quiet period after the stream began, less 1 ms
    expect(applied).toHaveLength(1)
    await pass(1)
    expect(applied.map((a) => a.ids)).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6', '7', '8', '9'],
    ])
    await pass(BURST_QUIET_MS * 2)
    await hold.add(work([10]), next(0, 10))
    expect(applied).toHaveLength(3)
  })

  it('applies a burst that goes on after the longest hold', async () => {
    const { hold, applied, pass } = setUp()
    let offset = 0
    // a batch every half quiet period: the inbox is never quiet
    for (let t = 0; t < BURST_MAX_HOLD_MS; t += BURST_QUIET_MS / 2) {
      expect(applied).toHaveLength(0)
      await hold.add(work(range(offset, 20)), next(0, (offset += 20)))
      await pass(BURST_QUIET_MS / 2)
    }
    expect(applied).toHaveLength(1)
    expect(applied[0]?.next.offsets[0]?.offset).toBe(String(offset))
  })
})
