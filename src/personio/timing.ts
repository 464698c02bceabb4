// Time as the Personio client's rate limits see it: injected, so the buckets and the shared v1
// budget run in virtual time in tests, and the wall clock in the service.

export interface Timing {
  now(): number
  /** `signal` says the sleep is no longer needed: a sleep may end early then, or ignore it */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/**
 * The wall clock, with a sleep whose timer is cleared when its signal aborts: a process-wide
 * waiter (the shared v1 budget) leaves no timer behind once nobody waits on it.
 */
export const wallTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      signal?.addEventListener('abort', done, { once: true })
    }),
}
