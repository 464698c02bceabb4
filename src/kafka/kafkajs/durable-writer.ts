// A plain (not transactional) idempotent producer that resolves only once every in-sync replica
// has the record (acks=all): the webhook receiver answers Personio after this, never before. Many
// records (a gap fill's page of events) go in sends below the topic's max.message.bytes, one after
// another, as the transactional sink sends: one batch above it would be refused on every retry.
import './aborted-filter' // before kafkajs: see that file
import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { KafkaError } from '../../errors'
import type { OutgoingRecord } from '../port'
import { chunkByBytes, DEFAULT_BATCH_BUDGET_BYTES } from '../record-size'
import { group } from './transactional-sink'

export interface DurableWriter {
  write(records: readonly OutgoingRecord[]): Promise<void>
  close(): Promise<void>
}

export interface DurableWriterOptions {
  /** the most one send may write to a topic (src/kafka/record-size.ts `batchBudget`) */
  batchBudget?: (topic: string) => number
}

export function createDurableWriter(kafka: Kafka, options: DurableWriterOptions = {}): DurableWriter {
  const budget = options.batchBudget ?? (() => DEFAULT_BATCH_BUDGET_BYTES)
  let producer: Producer | undefined
  let connecting: Promise<Producer> | undefined
  const ready = (): Promise<Producer> => {
    if (producer !== undefined) return Promise.resolve(producer)
    connecting ??= (async () => {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      })
      await p.connect()
      producer = p
      return p
    })().finally(() => (connecting = undefined))
    return connecting
  }
  return {
    async write(records) {
      try {
        const p = await ready()
        for (const chunk of chunkByBytes(records, budget))
          await p.sendBatch({ acks: -1, topicMessages: group(chunk) })
      } catch (error) {
        // A send that timed out may still have been written: a fresh producer (a new producer id)
        // keeps the broker from taking the next send for a duplicate of it and dropping it.
        const failed = producer
        producer = undefined
        await failed?.disconnect().catch(() => undefined)
        throw new KafkaError(`Writing to Kafka failed: ${(error as Error).message}`, { retriable: true })
      }
    },
    async close() {
      const p = producer ?? (await connecting?.catch(() => undefined))
      producer = undefined
      await p?.disconnect()
    },
  }
}
