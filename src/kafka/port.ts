// What capture/ needs from Kafka, and nothing more, so another client (@platformatic/kafka) can
// fill the same slot without touching capture/. kafkajs fills it today (src/kafka/kafkajs/).

export interface OutgoingRecord {
  topic: string
  key: Buffer
  /** null is a tombstone */
  value: Buffer | null
  headers?: Record<string, string>
  /** record timestamp (ms); a tombstone's must not be older than the last upsert of its key */
  timestamp?: number
}

export interface TopicSpec {
  topic: string
  partitions: number
  /** -1: the broker's default */
  replicationFactor: number
  config: Record<string, string>
  /**
   * min.insync.replicas wanted, capped at the topic's replica count when it is created (known
   * only then when replicationFactor is the broker's default)
   */
  minInsyncReplicas?: number
}

/** How many copies a topic keeps, and how many a write with acks=all waits for. */
export interface TopicDurability {
  replicas: number
  minInsyncReplicas: number
}

export interface TopicAdmin {
  /** Creates missing topics; refuses (KafkaError) an existing topic whose settings would break the contract. */
  ensureTopics(specs: readonly TopicSpec[]): Promise<void>
  /** Each topic's max.message.bytes (the broker's message.max.bytes unless the topic sets its own). */
  maxMessageBytes(topics: readonly string[]): Promise<Record<string, number>>
  /** Each existing topic's replica count and effective min.insync.replicas (missing topics left out). */
  durability(topics: readonly string[]): Promise<Record<string, TopicDurability>>
  /** Rejects when the cluster does not answer (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}

/** Consumer-group progress committed inside a transaction (consume-transform-produce). */
export interface ConsumedOffsets {
  groupId: string
  /** the next offset to read, per topic and partition */
  offsets: { topic: string; partition: number; offset: string }[]
}

export interface TransactionalSink {
  /**
   * Writes all records, and the consumed offsets when given, in one Kafka transaction: all become
   * visible to read_committed consumers, or none.
   */
  publish(records: readonly OutgoingRecord[], consumed?: ConsumedOffsets): Promise<void>
  /** Registers the transactional id now: fences an older producer with the same id and aborts its open transaction. */
  open(): Promise<void>
  close(): Promise<void>
}

export interface IncomingRecord {
  topic: string
  partition: number
  offset: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, string>
  /** record timestamp (ms) */
  timestamp: number
}

export interface FeedBatch {
  records: IncomingRecord[]
  /** what to commit once the batch is handled: the offset after its last record */
  next: ConsumedOffsets
}

export interface FeedOptions {
  groupId: string
  topics: readonly string[]
  /** stop once every partition is read to the end it had when the feed started */
  untilCaughtUp: boolean
}

/** A read_committed reader of topics; the handler's promise is the back-pressure. */
export interface Feed {
  /** `onCaughtUp`: called once every partition reached the end it had when the feed started */
  run(handler: (batch: FeedBatch) => Promise<void>, onCaughtUp?: () => void): Promise<void>
  stop(): Promise<void>
}
