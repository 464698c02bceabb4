// How far capture is behind Personio: one definition for `status` and the cursor_lag_seconds
// metric alike. Both ends are on Personio's clock — the cursor's `changedAt` is when a read began
// by Personio's clock — so our own clock, which may be wrong by days (a simulator, a VM that slept),
// never enters the difference.
import type { Cursor } from './cursor'

/** Seconds from the covered time to Personio's now; never negative (the `Date` header truncates). */
export function lagSeconds(changedAt: number, personioNow: number): number {
  return Math.max(0, (personioNow - changedAt) / 1000)
}

/**
 * Personio's now, estimated from ours and how far Personio's clock was ahead of ours when the
 * cursor was last written; a cursor written before that was recorded takes our clock as Personio's.
 */
export function personioNowFor(cursor: Pick<Cursor, 'personioAheadMs'>, ourNow: number): number {
  return ourNow + (cursor.personioAheadMs ?? 0)
}
