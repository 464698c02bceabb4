// Why a worker's membership of its group ended, and whether trying again can help. kafkajs restarts
// a consumer by itself only after errors it calls retriable. "Failed to find group coordinator" is
// not one of them: it is kafkajs' own message once the brokers kept answering
// COORDINATOR_NOT_AVAILABLE past its retries, as a restarted or busy broker does while it loads the
// group's offsets partition, and it passes within seconds. So a worker joins again by itself after
// anything but the errors below, which need a person (a setting, an ACL, credentials) or are a bug;
// for those the worker says so and exits. (kafkajs also reports a client that may not DESCRIBE
// the group as "Failed to find group coordinator", without the cause: the worker's patience with a
// group it never joined, and its repeated warning, cover that one.)
import { KafkaError } from '../../errors'
import type { WorkerGroupOptions } from '../../workers/membership'

/** Kafka error types that no retry can fix: the brokers refuse this member as configured. */
const OUT_FOR_GOOD_TYPES = new Set([
  'INVALID_SESSION_TIMEOUT',
  'INVALID_GROUP_ID',
  'INCONSISTENT_GROUP_PROTOCOL',
  'GROUP_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'UNSUPPORTED_VERSION',
])

/**
 * Error names that no retry can fix: refused credentials, a feature the brokers lack, and the
 * errors kafkajs itself treats as unrecoverable (a bug: retrying would repeat it).
 */
const OUT_FOR_GOOD_NAMES = new Set([
  'KafkaJSSASLAuthenticationError',
  'KafkaJSNotImplemented',
  'KafkaJSServerDoesNotSupportApiKey',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
])

/** `error` and the causes kafkajs wrapped it in (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded). */
function* causes(error: unknown): Generator<{ type?: unknown; name?: unknown }> {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 10; depth++) {
    yield e as { type?: unknown; name?: unknown }
    e = (e as { cause?: unknown }).cause
  }
}

/** The Kafka error type of `error` or of the first cause that has one. */
export function errorType(error: unknown): string | undefined {
  for (const e of causes(error)) if (typeof e.type === 'string') return e.type
  return undefined
}

/** Whether a worker that lost its group to `error` should stop rather than join again. */
export function outForGood(error: unknown): boolean {
  for (const e of causes(error)) {
    if (typeof e.type === 'string' && OUT_FOR_GOOD_TYPES.has(e.type)) return true
    if (typeof e.name === 'string' && OUT_FOR_GOOD_NAMES.has(e.name)) return true
  }
  return false
}

/** How long before the `attempt`th join again (1-based): 1 s, doubling, at most 30 s. */
export function rejoinDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1))
}

/** A worker that never got into its group gives up after this: most likely it may not, or the brokers are not what it was told. */
export const NEVER_JOINED_PATIENCE_MS = 180_000

/** Out of the group this many tries in a row: the warning is said again, with what to check. */
export const WARN_AGAIN_EVERY = 10

/** What to check when a worker cannot get into its group, the brokers answering all along. */
export const groupAccessHint = (groupId: string): string =>
  `if the brokers answer, check that this client may DESCRIBE and READ the consumer group ${groupId}`

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

/** One line for a worker that never got into its group within NEVER_JOINED_PATIENCE_MS. */
export function neverJoined(options: WorkerGroupOptions, error: unknown, waitedMs: number): KafkaError {
  return new KafkaError(
    `Worker group ${options.groupId}: not a member after ${Math.round(waitedMs / 1000)} s of trying ` +
      `(${(error as Error).message}); ${groupAccessHint(options.groupId)}, then start it again`,
    { cause: error },
  )
}
