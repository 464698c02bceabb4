// What the engine's parts share once wired: the configuration, the context capture runs in, the
// selected resources, the Kafka they publish to, and the engine's own handles on the work in
// flight (feeds, transactions, lanes) that a stop waits for. Types only.
import type { SchedulerLike } from 'rxjs'
import type { Config } from '../../config'
import type { Feed, FeedOptions } from '../../kafka/port'
import type { Logger } from '../../ops/logger'
import type { Resource } from '../../resources'
import type { CaptureContext } from '../context'
import type { CaptureKafka } from '../ports'
import type { CycleRetryPolicy } from './retry-backoff'

/** Every feed the engine opened, so a stop ends them all. */
export interface Feeds {
  open(options: FeedOptions): Feed
  stopAll(): Promise<void>
}

/** One transaction at a time per resource (capture/context.ts createSerial), seen from the engine. */
export interface Transactions {
  busy(): string[]
  drained(): Promise<void>
}

/** Each topic's max.message.bytes, learned once the topics exist. */
export interface MessageLimits {
  limit(topic: string): number
  learn(limits: Record<string, number>): void
}

export interface Wiring {
  config: Config
  logger: Logger
  ctx: CaptureContext
  chosen: readonly Resource[]
  kafka: CaptureKafka
  /** whether the engine opened `kafka` itself (then it closes it), or was given it */
  ownsKafka: boolean
  messageLimits: MessageLimits
  feeds: Feeds
  transactions: Transactions
  /** aborted by stop and close: Personio reads end, nothing new starts */
  stopping: AbortController
  scheduler: SchedulerLike
  retry?: CycleRetryPolicy
  /** 'shared': the worker's ingress receives the deliveries into the inbox; the engine opens no receiver */
  webhookIngress?: 'own' | 'shared'
}
