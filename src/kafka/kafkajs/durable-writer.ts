// A plain (not transactional) idempotent producer that resolves only once every in-sync replica
// has the record (acks=all): the webhook receiver answers Personio after this, never before.
import './aborted-filter' // before kafkajs: see that file
import { Partitioners, type Kafka, type Producer } from 'kafkajs'
import { KafkaError } from '../../errors'
import type { OutgoingRecord } from '../port'
import { group } from './transactional-sink'

export interface DurableWriter {
  write(records: readonly OutgoingRecord[]): Promise<void>
  close(): Promise<void>
}

export function createDurableWriter(kafka: Kafka): DurableWriter {
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
        await p.sendBatch({
          acks: -1,
          topicMessages: group(records),
        })
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
