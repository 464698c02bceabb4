// TransactionalSink on kafkajs: an idempotent, transactional producer with Java-compatible murmur2
// partitioning (kafkajs' DefaultPartitioner), so ksqlDB and Java clients agree on partitions.
// Consumed offsets of a stage ride in the same transaction (sendOffsets), so a stage's output and
// its progress commit together or not at all.
import './aborted-filter' // before kafkajs: see that file
import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { KafkaError, UncertainCommitError } from '../../errors'
import { crashPoint } from '../../ops/crash-points'
import { recordCommitted } from './commit-ledger'
import { transactionFailure } from '../transaction-failure'
import type { ConsumedOffsets, OutgoingRecord, TransactionalSink } from '../port'
import { chunkByBytes, DEFAULT_BATCH_BUDGET_BYTES } from '../record-size'
import { withKnownTopics } from './known-topics'

export interface SinkOptions {
  /** Stable per logical producer: a restarted instance fences its zombie predecessor. */
  transactionalId: string
  /**
   * The most one send may write to a topic (src/kafka/record-size.ts): a transaction is sent in
   * pieces below it, as the broker refuses a partition's batch above max.message.bytes.
   */
  batchBudget?: (topic: string) => number
  /**
   * a topic that exists and that the producer may ask about: its first metadata request names it
   * alone, not every topic of the cluster (known-topics.ts)
   */
  knownTopic?: string
}

/** Records as kafkajs `topicMessages`, one entry per topic (the durable writer sends them too). */
export function group(records: readonly OutgoingRecord[]) {
  const byTopic = new Map<string, OutgoingRecord[]>()
  for (const r of records) {
    const list = byTopic.get(r.topic)
    if (list === undefined) byTopic.set(r.topic, [r])
    else list.push(r)
  }
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

function offsetsOf(consumed: ConsumedOffsets) {
  const byTopic = new Map<string, { partition: number; offset: string }[]>()
  for (const o of consumed.offsets)
    byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }])
  return {
    consumerGroupId: consumed.groupId,
    topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
  }
}

export function createTransactionalSink(kafka: Kafka, options: SinkOptions): TransactionalSink {
  const newProducer = (): Producer =>
    withKnownTopics(kafka, options.knownTopic === undefined ? [] : [options.knownTopic], () =>
      kafka.producer({
        idempotent: true,
        transactionalId: options.transactionalId,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        // Right after a commit the broker answers the next transaction's AddPartitionsToTxn with
        // CONCURRENT_TRANSACTIONS until the commit markers are written; the Java client retries that
        // within ~20 ms. kafkajs' default first retry (300 ms) would add that to every transaction.
        retry: { initialRetryTime: 25, retries: 10, maxRetryTime: 5_000 },
      }),
    )
  const budget = options.batchBudget ?? (() => DEFAULT_BATCH_BUDGET_BYTES)
  let producer = newProducer()
  let connected: Promise<void> | undefined
  // A commit or abort that fails leaves kafkajs' transaction state machine in COMMITTING or
  // ABORTING for good: every later transaction() throws "Cannot call beginTransaction in state
  // COMMITTING" (seen in CI: a resource that never published again after a broker restart). The
  // Java client may retry the commit; kafkajs may not. So the producer is replaced, and the next
  // open() registers the transactional id again, which makes the coordinator finish (commit or
  // abort) what the old one left open, and fences it.
  const replace = () => {
    const old = producer
    producer = newProducer()
    connected = undefined
    void old.disconnect().catch(() => undefined)
  }
  // kafkajs' connect() registers an idempotent producer id only; the transactional id (which fences
  // an older instance and aborts its open transaction) is registered by the first transaction().
  // An empty transaction begun and aborted does that now, before anyone reads the state topic: an
  // open zombie transaction would hold back its last stable offset and hide what was committed after.
  const fence = async () => {
    await producer.connect()
    const tx = await producer.transaction()
    await tx.abort()
  }
  const open = async () => {
    connected ??= fence()
    try {
      await connected
    } catch (error) {
      connected = undefined
      throw new KafkaError(
        `Cannot connect the producer ${options.transactionalId}: ${(error as Error).message}`,
        {
          cause: error,
          retriable: true,
        },
      )
    }
  }

  return {
    open,
    async publish(records, consumed) {
      if (records.length === 0 && consumed === undefined) return
      // The broker may still be writing the previous commit's markers; kafkajs retries that for
      // records but not for AddOffsetsToTxn, so a whole (aborted, invisible) attempt is repeated.
      for (let attempt = 1; ; attempt++) {
        try {
          await open()
          return await once(records, consumed)
        } catch (error) {
          if (attempt >= 8 || !concurrent(error) || error instanceof UncertainCommitError) throw error
          await new Promise((r) => setTimeout(r, 20 * attempt))
        }
      }
    },
    async close() {
      if (connected !== undefined) await producer.disconnect().catch(() => undefined)
    },
  }

  async function once(
    records: readonly OutgoingRecord[],
    consumed: ConsumedOffsets | undefined,
  ): Promise<void> {
    let tx: Awaited<ReturnType<Producer['transaction']>> | undefined
    let committing = false
    const written: Awaited<ReturnType<NonNullable<typeof tx>['sendBatch']>> = []
    try {
      tx = await producer.transaction()
      // One send per piece, one after another: a partition's batch stays below the broker's limit
      // however large the transaction, and per-key order holds.
      for (const chunk of chunkByBytes(records, budget))
        written.push(...(await tx.sendBatch({ topicMessages: group(chunk), acks: -1 })))
      if (records.length > 0) crashPoint('after-send-before-commit')
      if (consumed !== undefined) {
        await tx.sendOffsets(offsetsOf(consumed))
        crashPoint('after-offsets-before-commit')
      }
      committing = true
      await tx.commit()
      crashPoint('after-commit-in-sink')
      recordCommitted(kafka, written)
    } catch (error) {
      // Not begun (the state machine was not READY), or the abort failed too: start afresh.
      const aborted =
        !committing &&
        tx !== undefined &&
        (await tx.abort().then(
          () => true,
          () => false,
        ))
      if (!aborted) replace()
      throw transactionFailure(error, {
        transactionalId: options.transactionalId,
        fenced: isFenced(error),
        committing,
        written,
      })
    }
  }
}

function concurrent(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause)
    if ((e as { type?: string }).type === 'CONCURRENT_TRANSACTIONS') return true
  return false
}

/** A newer producer with our transactional id exists: retrying cannot help, only stopping can. */
function isFenced(error: unknown): boolean {
  for (
    let e: unknown = error;
    e instanceof Error;
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError
  ) {
    const type = (e as { type?: string }).type
    if (type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED' || /fenced/i.test(e.message))
      return true
  }
  return false
}
