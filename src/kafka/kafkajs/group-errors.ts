// Why a worker's membership of its group ended, and whether trying again can help. kafkajs restarts
// a consumer by itself only after errors it calls retriable; "Failed to find group coordinator"
// (a restarted broker loading the group's offsets partition, a coordinator moving) is not one of
// them, yet it passes within seconds. So a worker joins again by itself after anything but the
// errors below: those need a person (a setting, an ACL, credentials), and the worker says so and exits.
import { KafkaError } from '../../errors'
import type { WorkerGroupOptions } from '../../workers/membership'

/** Kafka error types that no retry can fix: the brokers refuse this member as configured. */
const OUT_FOR_GOOD = new Set([
  'INVALID_SESSION_TIMEOUT',
  'INVALID_GROUP_ID',
  'INCONSISTENT_GROUP_PROTOCOL',
  'GROUP_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_VERSION',
])

/** The Kafka error type of `error` or of the first cause that has one (kafkajs wraps them). */
export function errorType(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as { type?: unknown; cause?: unknown; originalError?: unknown }
  if (typeof e.type === 'string') return e.type
  const inner = e.originalError ?? e.cause
  return inner === undefined ? undefined : errorType(inner)
}

/** Whether a worker that lost its group to `error` should stop rather than join again. */
export function outForGood(error: unknown): boolean {
  const type = errorType(error)
  if (type !== undefined && OUT_FOR_GOOD.has(type)) return true
  return error instanceof Error && error.name === 'KafkaJSSASLAuthenticationError'
}

/** How long before the `attempt`th join again (1-based): 1 s, doubling, at most 30 s. */
export function rejoinDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1))
}

/** One line for a worker that is out of the group for good. */
export function groupFailure(options: WorkerGroupOptions, error: unknown): KafkaError {
  const type = errorType(error)
  const message =
    type === 'INVALID_SESSION_TIMEOUT'
      ? `Worker group ${options.groupId}: the brokers refuse WORKER_SESSION_TIMEOUT_MS=${options.sessionTimeoutMs}; ` +
        "set it within the brokers' group.min.session.timeout.ms and group.max.session.timeout.ms (6000 and 1800000 by default)"
      : `Worker group ${options.groupId}: the brokers refuse this worker (${(error as Error).message}). ` +
        'Check that its credentials may join the group and read the companies topic, then start it again.'
  return new KafkaError(message, { cause: error })
}
