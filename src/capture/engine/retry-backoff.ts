// Retries a failed cycle when its error says it may (the error family's `retriable`), waiting
// longer each time; anything else — a refused schema, refused credentials, a JS bug — passes
// through at once. Time comes from the scheduler, so tests run it in virtual time.
import { retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs'
import { isRetriable } from '../../errors'

export interface CycleRetryPolicy {
  /** retries after the first attempt */
  retries: number
  initialMs: number
  maxMs: number
  factor: number
}

export const defaultCycleRetry: CycleRetryPolicy = { retries: 5, initialMs: 2_000, maxMs: 60_000, factor: 2 }

/** The wait before retry `n` (from 1): initial × factor^(n−1), capped. */
export const backoffMs = (policy: CycleRetryPolicy, n: number): number =>
  Math.min(policy.maxMs, policy.initialMs * policy.factor ** (n - 1))

export function retryBackoff<T>(
  policy: CycleRetryPolicy,
  scheduler: SchedulerLike,
  onRetry: (error: unknown, n: number, waitMs: number) => void = () => undefined,
): MonoTypeOperatorFunction<T> {
  return retry({
    count: policy.retries,
    delay: (error: unknown, n: number) => {
      if (!isRetriable(error)) return throwError(() => error)
      const wait = backoffMs(policy, n)
      onRetry(error, n, wait)
      return timer(wait, scheduler)
    },
  })
}
