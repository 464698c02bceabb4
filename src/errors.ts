// One error family for the whole product. Retry code reads only `retriable` (kafkajs habit), and
// it defaults to false: a JS bug (TypeError, …) or an unknown failure is never retried by accident.
// Dead-letter headers are built from these same fields, so every error says where and why.

export const errorCodes = [
  'PK_CONFIG', // configuration missing or invalid
  'PK_PERSONIO_HTTP', // Personio answered with an error status or a body we cannot read
  'PK_RATE_LIMITED', // Personio said 429
  'PK_AUTH', // credentials refused or token unusable
  'PK_MAPPING', // a Personio item cannot be turned into a record
  'PK_CONTRACT', // Avro schema / registry / compatibility problem
  'PK_KAFKA', // broker, producer, transaction
  'PK_STATE', // cursor / state topic problem
  'PK_INFRA', // local Kafka / registry provisioning
  'PK_SIMULATOR', // the local Personio simulator was driven wrongly
  'PK_STOPPING', // work cut short because the service is stopping (SIGTERM/SIGINT)
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface PkErrorOptions {
  cause?: unknown
  retriable?: boolean
  resource?: string
  stage?: string
}

export class PkError extends Error {
  readonly code: ErrorCode
  readonly retriable: boolean
  readonly resource: string | undefined
  readonly stage: string | undefined

  constructor(code: ErrorCode, message: string, options: PkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.retriable = options.retriable ?? false
    this.resource = options.resource
    this.stage = options.stage
  }
}

export class ConfigError extends PkError {
  /** Every bad path at once, so a user fixes the config in one go. */
  readonly problems: readonly string[]
  constructor(problems: readonly string[], options: PkErrorOptions = {}) {
    super('PK_CONFIG', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, options)
    this.problems = problems
  }
}

export interface PersonioHttpErrorDetails {
  status: number
  method: string
  endpoint: string
  /** Personio's own message, taken from whichever error envelope the endpoint uses. */
  personioMessage?: string
  /** `personio_trace_id` / `trace_id`, for Personio support tickets. */
  traceId?: string
  /** Personio's machine code (`error.code`, OAuth `error`, problem `type` anchor). */
  personioCode?: string
  headers?: Record<string, string>
  bodyExcerpt?: string
}

export class PersonioHttpError extends PkError {
  readonly status: number
  readonly method: string
  readonly endpoint: string
  readonly personioMessage: string | undefined
  readonly traceId: string | undefined
  readonly personioCode: string | undefined
  readonly headers: Record<string, string>
  readonly bodyExcerpt: string | undefined

  constructor(message: string, details: PersonioHttpErrorDetails, options: PkErrorOptions = {}) {
    super('PK_PERSONIO_HTTP', message, options)
    this.status = details.status
    this.method = details.method
    this.endpoint = details.endpoint
    this.personioMessage = details.personioMessage
    this.traceId = details.traceId
    this.personioCode = details.personioCode
    this.headers = details.headers ?? {}
    this.bodyExcerpt = details.bodyExcerpt
  }
}

export class RateLimitedError extends PkError {
  readonly retryAfterMs: number
  readonly endpoint: string
  constructor(endpoint: string, retryAfterMs: number, options: PkErrorOptions = {}) {
    super('PK_RATE_LIMITED', `Personio rate limit hit on ${endpoint}; retry after ${retryAfterMs} ms`, {
      retriable: true,
      ...options,
    })
    this.endpoint = endpoint
    this.retryAfterMs = retryAfterMs
  }
}

export class AuthError extends PkError {
  readonly status: number | undefined
  constructor(message: string, status?: number, options: PkErrorOptions = {}) {
    super('PK_AUTH', message, options)
    this.status = status
  }
}

export interface InvalidPath {
  /** Dotted path into the Personio item (`attributes.hire_date.value`) or the record field. */
  path: string
  message: string
  value?: unknown
}

export class MappingError extends PkError {
  readonly key: string | undefined
  readonly paths: readonly InvalidPath[]
  constructor(
    resource: string,
    key: string | undefined,
    paths: readonly InvalidPath[],
    options: PkErrorOptions = {},
  ) {
    const where = key === undefined ? resource : `${resource} ${key}`
    const what = paths.map(
      (p) => `${p.path}: ${p.message}${p.value === undefined ? '' : ` (got ${preview(p.value)})`}`,
    )
    super('PK_MAPPING', `Cannot map ${where}: ${what.join('; ')}`, { resource, stage: 'map', ...options })
    this.key = key
    this.paths = paths
  }
}

export class ContractError extends PkError {
  readonly subject: string | undefined
  readonly paths: readonly string[]
  constructor(
    message: string,
    details: { subject?: string; paths?: readonly string[] } = {},
    options: PkErrorOptions = {},
  ) {
    super('PK_CONTRACT', message, options)
    this.subject = details.subject
    this.paths = details.paths ?? []
  }
}

export class KafkaError extends PkError {
  constructor(message: string, options: PkErrorOptions = {}) {
    super('PK_KAFKA', message, options)
  }
}

/**
 * The broker did not answer the commit (it went away mid-EndTxn): the transaction may or may not
 * be committed. The producer is replaced; the next one's registration makes the coordinator finish
 * the transaction one way or the other, and the state topic then says which.
 */
export class UncertainCommitError extends KafkaError {
  /** where the transaction's records were written: settled once the committed end passes them */
  readonly written: readonly { topicName: string; partition: number; baseOffset?: string }[]
  constructor(
    message: string,
    written: readonly { topicName: string; partition: number; baseOffset?: string }[],
    options: PkErrorOptions = {},
  ) {
    super(message, { ...options, retriable: true })
    this.written = written
  }
}

/**
 * A record larger than its topic accepts (max.message.bytes), alone in its batch: no retry can
 * publish it, so it is dead-lettered with its key and the rest goes on.
 */
export class RecordTooLargeError extends KafkaError {
  readonly topic: string
  readonly bytes: number
  readonly limit: number
  constructor(topic: string, bytes: number, limit: number, options: PkErrorOptions = {}) {
    super(
      `The record takes ${bytes} bytes, more than ${topic} accepts (max.message.bytes ${limit}); ` +
        "it goes to the dead-letter topic instead. Raise the topic's max.message.bytes (and the " +
        "broker's message.max.bytes) to publish records this large, or drop the field that holds the bulk with FIELD_POLICY.",
      { ...options, retriable: false },
    )
    this.topic = topic
    this.bytes = bytes
    this.limit = limit
  }
}

/** Another producer with our transactional id took over: this instance must stop, not retry. */
export class FencedError extends KafkaError {
  constructor(message: string, options: PkErrorOptions = {}) {
    super(message, { ...options, retriable: false })
  }
}

export class StateError extends PkError {
  constructor(message: string, options: PkErrorOptions = {}) {
    super('PK_STATE', message, options)
  }
}

/**
 * The service is stopping: a Personio read or a stage's remaining parents were abandoned before
 * their transaction began, so nothing of them was published and the cursor did not move past them.
 */
export class StoppingError extends PkError {
  constructor(
    message = 'stopping: work abandoned before its transaction began',
    options: PkErrorOptions = {},
  ) {
    super('PK_STOPPING', message, { ...options, retriable: false })
  }
}

export class InfraError extends PkError {
  constructor(message: string, options: PkErrorOptions = {}) {
    super('PK_INFRA', message, options)
  }
}

/** A short, log-safe rendering of a bad value for error messages. */
export function preview(value: unknown, max = 80): string {
  let text: string
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    text = String(value)
  }
  return text.length > max ? `${text.slice(0, max)}…` : text
}

export function isRetriable(error: unknown): boolean {
  return error instanceof PkError && error.retriable
}
