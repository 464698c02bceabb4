// The retry policy as plain data (undici's habit) plus one pure function: how long to wait before
// the next attempt, or not at all. Only errors marked retriable are retried; JS bugs never are.
import { isRetriable, RateLimitedError } from '../errors'

export interface RetryPolicy {
  /** attempts in total, the first included */
  maxAttempts: number
  /** give up when the next wait would end after this much time since the first attempt */
  maxElapsedMs: number
  minDelayMs: number
  maxDelayMs: number
  factor: number
  /** Personio asks for at least one second after a 429 */
  minRateLimitDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  maxElapsedMs: 120_000,
  minDelayMs: 250,
  maxDelayMs: 20_000,
  factor: 2,
  minRateLimitDelayMs: 1_000,
}

/**
 * Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1), or undefined to give
 * up. `random` in [0, 1) gives "equal jitter": half the backoff fixed, half random, so retries of
 * many clients spread out without ever collapsing to zero.
 */
export function nextDelay(
  policy: RetryPolicy,
  attempt: number,
  elapsedMs: number,
  error: unknown,
  random: number,
): number | undefined {
  if (!isRetriable(error) || attempt >= policy.maxAttempts) return undefined
  const backoff = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** (attempt - 1))
  let delay = backoff / 2 + (backoff / 2) * random
  if (error instanceof RateLimitedError)
    delay = Math.max(delay, policy.minRateLimitDelayMs, error.retryAfterMs)
  return elapsedMs + delay > policy.maxElapsedMs ? undefined : Math.round(delay)
}
