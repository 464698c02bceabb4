// What capture needs from the world, and nothing more (Debezium's offset context, Kafka Connect's
// task contract): where change events go (EventSink), where capture's own state is kept and read
// back (StateStore), what Personio answers (PersonioClient) and what time it is (Clock). Kafka
// fills EventSink and StateStore in production (src/kafka/capture-ports.ts); src/kafka/memory/
// fills them in memory for tests and the demo, so every capture rule can be run without a broker.
import type { ConsumedOffsets, Feed, FeedOptions, OutgoingRecord, TopicAdmin } from '../kafka/port'
import type { PersonioHttp } from '../personio/client'
import type { LimitsLedger } from './state/learned-limits'
import type { CaptureState } from './state/state'

/** Milliseconds since the epoch, on our side: virtual in tests. */
export interface Clock {
  now(): number
}

/** The Personio API as capture uses it (src/personio/client.ts; test/support fakes it by path). */
export type PersonioClient = PersonioHttp

/**
 * Change events and the state they lead to, published together: per resource one transactional
 * writer, so a second instance on the same topics fences the first.
 */
export interface EventSink {
  /**
   * Writes every record (events, dead letters, state) and the consumed offsets, when given, in one
   * transaction of the resource's writer: all become visible to read_committed readers, or none.
   * An UncertainCommitError says the outcome is unknown (capture/commit/settle-commit.ts).
   */
  publish(resource: string, records: readonly OutgoingRecord[], consumed?: ConsumedOffsets): Promise<void>
  /** Registers the resource's writer now: fences an older one and ends its open transaction. */
  open(resource: string): Promise<void>
  close(): Promise<void>
}

/** Capture's own state (cursors, fingerprints, learned limits), as the sink made it durable. */
export interface StateStore {
  /** Everything committed, from the beginning to the end it has now, into `into`. */
  restore(into: CaptureState, limits?: Pick<LimitsLedger, 'load'>): Promise<CaptureState>
  /**
   * The state read back once every offset in `after` (where an unconfirmed transaction wrote to
   * the state) is decided: settles a commit whose outcome was not known.
   */
  readAfter(after: readonly bigint[]): Promise<CaptureState>
}

/** Readers of topics in a consumer group (stages read their parents' topics, webhooks the inbox). */
export type FeedFactory = (options: FeedOptions) => Feed

/** Writes records durably outside any transaction (the webhook inbox). */
export interface DurableWriter {
  write(records: readonly OutgoingRecord[]): Promise<void>
  close(): Promise<void>
}

/** Everything the engine takes from Kafka (or from memory), opened for one topic prefix. */
export interface CaptureKafka {
  admin: TopicAdmin
  /** the resource writers; `batchBudget` keeps each send below a topic's max.message.bytes */
  events(options: { prefix: string; batchBudget: (topic: string) => number }): EventSink
  state(options: { stateTopic: string; groupPrefix: string }): StateStore
  feeds: FeedFactory
  /** opened on first use only: deployments without webhooks never connect it */
  durableWriter(options: { batchBudget: (topic: string) => number }): DurableWriter
  /**
   * opens and closes one writer per id: fences instances of releases that named their ids otherwise
   * (`knownTopic`: one that exists, which the writers may ask about instead of every topic)
   */
  fence(transactionalIds: readonly string[], knownTopic?: string): Promise<void>
  close(): Promise<void>
}
