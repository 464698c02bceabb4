// TransactionalSink on kafkajs: an idempotent, transactional producer with Java-compatible murmur2
// partitioning (kafkajs' DefaultPartitioner), so ksqlDB and Java clients agree on partitions.
import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { KafkaError } from '../../errors'
import type { OutgoingRecord, TransactionalSink } from '../port'

export interface SinkOptions {
  /** Stable per logical producer: a restarted instance fences its zombie predecessor. */
  transactionalId: string
}

function group(records: readonly OutgoingRecord[]) {
  const byTopic = new Map<string, OutgoingRecord[]>()
  for (const r of records) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r])
  return [...byTopic].map(([topic, rs]) => ({
    topic,
    messages: rs.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp === undefined ? undefined : String(r.timestamp),
    })),
  }))
}

export function createTransactionalSink(kafka: Kafka, options: SinkOptions): TransactionalSink {
  const producer: Producer = kafka.producer({
    idempotent: true,
    transactionalId: options.transactionalId,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    // Right after a commit the broker answers the next transaction's AddPartitionsToTxn with
    // CONCURRENT_TRANSACTIONS until the commit markers are written; the Java client retries that
    // within ~20 ms. kafkajs' default first retry (300 ms) would add that to every transaction.
    retry: { initialRetryTime: 25, retries: 10, maxRetryTime: 5_000 },
  })
  let connected: Promise<void> | undefined

  return {
    async publish(records) {
      if (records.length === 0) return
      connected ??= producer.connect()
      await connected
      const tx = await producer.transaction()
      try {
        await tx.sendBatch({ topicMessages: group(records), acks: -1 })
        await tx.commit()
      } catch (error) {
        await tx.abort().catch(() => undefined)
        throw new KafkaError(
          `Kafka transaction aborted, nothing was published: ${(error as Error).message}`,
          {
            cause: error,
            retriable: true,
          },
        )
      }
    },
    async close() {
      if (connected !== undefined) await producer.disconnect()
    },
  }
}
