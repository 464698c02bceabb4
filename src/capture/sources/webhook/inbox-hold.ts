// Inbox batches held while they form a burst (issue #30). Personio delivers a bulk edit over
// seconds, and the inbox hands it over in many small batches as it arrives: reading each batch's
// records by id costs a request per record, listing for each batch a listing per batch. So:
// - a batch after a quiet inbox (a lone change) is applied at once: it never waits;
// - a batch right behind another (a stream has begun) is gathered for at most one quiet period,
//   and applied then, unless it has grown into a burst meanwhile;
// - batches that together name more entities than a listing costs (a burst) are held until the
//   inbox has been quiet for a quiet period, or the first of them waited BURST_MAX_HOLD_MS, then
//   applied as one: one listing, one transaction, the offsets of every held batch.
// Held batches are not committed: a crash or a stop reads them again from the inbox.
import type { SchedulerLike, Subscription } from 'rxjs'
import type { ConsumedOffsets } from '../../../kafka/port'
import type { InboxWork } from './inbox-apply'

/**
 * The inbox quiet this long after a batch: a stream is over (apply what was gathered), or a change
 * is a lone one. Batches of a stream follow each other within milliseconds (the feed hands over
 * what has arrived as soon as the previous batch is done, and waits 250 ms for more when idle).
 */
export const BURST_QUIET_MS = 250
/** A burst that goes on is applied this long after its first batch arrived, and held again after. */
export const BURST_MAX_HOLD_MS = 5_000

/** Two batches' work as one: an entity announced deleted by either stays announced. */
export function mergeWork(a: InboxWork, b: InboxWork): InboxWork {
  const entities = new Map(a.entities)
  for (const [id, w] of b.entities)
    entities.set(id, { deleted: (entities.get(id)?.deleted ?? false) || w.deleted })
  const occurred = new Map(a.occurred)
  for (const [id, at] of b.occurred) occurred.set(id, Math.max(occurred.get(id) ?? at, at))
  const pick = (f: (x: number, y: number) => number, x?: number, y?: number) =>
    x === undefined ? y : y === undefined ? x : f(x, y)
  const newest = pick(Math.max, a.newest, b.newest)
  const oldest = pick(Math.min, a.oldest, b.oldest)
  return {
    entities,
    events: a.events + b.events,
    occurred,
    refused: [...a.refused, ...b.refused],
    ...(newest === undefined ? {} : { newest }),
    ...(oldest === undefined ? {} : { oldest }),
  }
}

/** Offsets of two batches as one commit: per partition, the further one. */
export function mergeOffsets(a: ConsumedOffsets | undefined, b: ConsumedOffsets): ConsumedOffsets {
  if (a === undefined) return b
  const at = new Map(a.offsets.map((o) => [`${o.topic}#${o.partition}`, o]))
  for (const o of b.offsets) {
    const key = `${o.topic}#${o.partition}`
    const seen = at.get(key)
    if (seen === undefined || BigInt(o.offset) > BigInt(seen.offset)) at.set(key, o)
  }
  return { groupId: b.groupId, offsets: [...at.values()] }
}

/** What the inbox holds that is not applied yet (held, or being applied). */
export interface Backlog {
  events: number
  entities: number
  /** occurred_at of the oldest (Personio's clock, ms) */
  oldestMs?: number
}

/** What a batch's work (or the inbox's whole backlog, read as one batch) amounts to. */
export function backlogOf(work: InboxWork): Backlog {
  return {
    events: work.events,
    entities: work.entities.size,
    ...(work.oldest === undefined ? {} : { oldestMs: work.oldest }),
  }
}

interface Held {
  work: InboxWork
  next: ConsumedOffsets
  since: number
}

export interface InboxHoldOptions {
  scheduler: SchedulerLike
  /** whether this much work is read with a listing (webhook-burst.ts) */
  isBurst: (work: InboxWork) => boolean
  apply: (work: InboxWork, next: ConsumedOffsets) => Promise<void>
  /** an apply the timer started failed: the feed must stop (nothing past it was committed) */
  onError: (error: unknown) => void
  onBacklog: (backlog: Backlog) => void
}

export interface InboxHold {
  /** a batch's work; resolves once it is applied, or at once when it is held */
  add(work: InboxWork, next: ConsumedOffsets): Promise<void>
  stop(): void
}

export function inboxHold(o: InboxHoldOptions): InboxHold {
  let held: Held | undefined
  /** when the previous batch arrived or, if it was applied at once, was done */
  let lastAt: number | undefined
  let applying: Held | undefined
  let timer: Subscription | undefined
  let chain: Promise<void> = Promise.resolve()
  let stopped = false

  const backlog = () => {
    const parts = [applying, held].flatMap((h) => (h === undefined ? [] : [h.work]))
    o.onBacklog(
      backlogOf(
        parts.reduce(mergeWork, { entities: new Map(), events: 0, occurred: new Map(), refused: [] }),
      ),
    )
  }

  const flush = (): Promise<void> => {
    timer?.unsubscribe()
    timer = undefined
    const take = held
    held = undefined
    if (take === undefined) return chain
    chain = chain.then(async () => {
      if (stopped) return
      applying = take
      try {
        await o.apply(take.work, take.next)
      } finally {
        applying = undefined
        backlog()
      }
    })
    return chain
  }

  return {
    async add(work, next) {
      const now = o.scheduler.now()
      const streaming = lastAt !== undefined && now - lastAt < BURST_QUIET_MS
      lastAt = now
      held =
        held === undefined
          ? { work, next, since: now }
          : {
              work: mergeWork(held.work, work),
              next: mergeOffsets(held.next, next),
              since: held.since,
            }
      backlog()
      const age = now - held.since
      const burst = o.isBurst(held.work)
      // a lone change, a gathered stream's time up, or a burst held long enough: apply now
      if (burst ? age >= BURST_MAX_HOLD_MS : !streaming || age >= BURST_QUIET_MS) {
        await flush()
        lastAt = o.scheduler.now()
        return
      }
      timer?.unsubscribe()
      // a burst waits for a quiet inbox; a gathered stream at most one quiet period in all
      timer = o.scheduler.schedule(
        () => void flush().catch(o.onError),
        burst ? Math.min(BURST_QUIET_MS, BURST_MAX_HOLD_MS - age) : BURST_QUIET_MS - age,
      )
    },
    stop() {
      stopped = true
      timer?.unsubscribe()
      timer = undefined
    },
  }
}
