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
}

export interface TopicAdmin {
  /** Creates missing topics; refuses (KafkaError) an existing topic whose settings would break the contract. */
  ensureTopics(specs: readonly TopicSpec[]): Promise<void>
  close(): Promise<void>
}

export interface TransactionalSink {
  /** Writes all records in one Kafka transaction: all become visible to read_committed consumers, or none. */
  publish(records: readonly OutgoingRecord[]): Promise<void>
  close(): Promise<void>
}
