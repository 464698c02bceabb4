// The simulated clock that stamps every change. It starts at the wall clock unless a test pins it,
// and stands still unless advanced, so tests can reason about change timestamps exactly; `real`
// ties it to wall time for the demo and `simulate`.
export interface SimClock {
  now(): number
  advance(ms: number): number
  /** A strictly increasing change stamp: never equal to the previous one, even without advancing. */
  stamp(): number
  /**
   * The time a server states (its `Date` header): never before a stamp it gave, so a change it
   * stamped is never "in the future" of its own clock (stamps step ahead when changes collide).
   */
  latest(): number
}

export function simClock(startMs: number, real = false): SimClock {
  const offset = startMs - Date.now()
  let manual = startMs
  let last = 0
  const now = () => (real ? Date.now() + offset : manual)
  return {
    now,
    advance(ms) {
      manual += ms
      return now()
    },
    latest() {
      return Math.max(now(), last)
    },
    stamp() {
      // Personio's timestamps have second granularity; bump by a second when two changes collide.
      const t = Math.max(Math.floor(now() / 1000) * 1000, last + 1000)
      last = t
      return t
    },
  }
}
