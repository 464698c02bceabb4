// Events a read has already seen (issue #30). An event asks for nothing new when a read of its
// record saw that change: the read began after the event occurred (Personio's clock, less the skew
// margin) AND the record it returned carries a change stamp at or after the event (within the
// stamp's one-second granularity). The stamp is the record's own evidence: a change committed
// after the read (a bulk job that stamped its events when it began) leaves the record read with an
// older stamp, and its event is read again. A record read with no stamp (an attribute the
// credential may not read) covers nothing. A bulk edit is delivered over seconds after it is made:
// the listing that read the first deliveries' records has seen the changes the later deliveries
// announce, so those cost no read and a change behind them waits for none. An announced delete is
// never skipped: only its own read (a 404, or a full listing's absence) publishes it.
import { SKEW_MARGIN_MS } from '../../rules/personio-clock'
import type { Applied, InboxWork } from './inbox-apply'

/** Records remembered per resource (the oldest forgotten first): forgetting one costs a read. */
const REMEMBERED = 20_000

/** A change stamp is whole seconds where Personio writes it so: an event within that second counts. */
const STAMP_GRANULARITY_MS = 999

export interface InboxCoverage {
  /** what a batch read (each record's change stamp), and from when */
  note(applied: Pick<Applied, 'read' | 'readFrom'>): void
  /** the work without the entities whose every event occurred before their last read */
  uncovered(work: InboxWork): InboxWork
}

export function inboxCoverage(): InboxCoverage {
  const seenUntil = new Map<string, number>()
  return {
    note({ read, readFrom }) {
      if (readFrom === undefined) return // Personio stated no time: nothing is known to be covered
      for (const [id, stamp] of read) {
        const until = Math.min(readFrom - SKEW_MARGIN_MS, stamp + STAMP_GRANULARITY_MS)
        const before = seenUntil.get(id)
        seenUntil.delete(id) // re-inserted last: the map forgets in order of reading
        seenUntil.set(id, Math.max(before ?? until, until))
      }
      for (const id of seenUntil.keys()) {
        if (seenUntil.size <= REMEMBERED) break
        seenUntil.delete(id)
      }
    },
    uncovered(work) {
      const covered = (id: string, deleted: boolean) => {
        const until = seenUntil.get(id)
        const at = work.occurred.get(id)
        return !deleted && until !== undefined && at !== undefined && at <= until
      }
      const kept = [...work.entities].filter(([id, w]) => !covered(id, w.deleted))
      if (kept.length === work.entities.size) return work
      const times = kept.flatMap(([id]) => {
        const at = work.occurred.get(id)
        return at === undefined ? [] : [at]
      })
      // a listing of the rest starts at the oldest of their newest events: each record's change
      // stamp is at least that
      return {
        ...work,
        entities: new Map(kept),
        occurred: new Map(kept.map(([id]) => [id, work.occurred.get(id) ?? 0])),
        ...(times.length === 0 ? { oldest: undefined } : { oldest: Math.min(...times) }),
      }
    },
  }
}
