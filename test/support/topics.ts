// Reads a topic back as a downstream consumer would: read_committed, from the beginning, values
// decoded through the registry with the writer schema of each message.
import '../../src/kafka/kafkajs/aborted-filter' // before kafkajs: read_committed must hide aborted records
import { Kafka, logLevel, type Admin, type IHeaders, type ITopicConfig } from 'kafkajs'
import { createSchemaRegistry } from '../../src/contract/registry'
import { decodeFramed } from '../../src/contract/serde'
import { uniqueName } from '../infra/env'

export interface ReadRecord {
  key: Buffer
  value: Buffer | null
  headers: Record<string, string>
  partition: number
  offset: string
  timestamp: string
}

function headersOf(h: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(h ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : String(v)]),
  )
}

/** Consumes until `expected` records arrived, then a little longer to catch any extra (duplicates would show). */
export async function readTopic(
  brokers: string[],
  topic: string,
  expected: number,
  settleMs = 700,
): Promise<ReadRecord[]> {
  // A short requestTimeout: kafkajs leaves one timer per request armed that long after disconnect.
  const kafka = new Kafka({
    brokers,
    clientId: 'test-reader',
    logLevel: logLevel.NOTHING,
    requestTimeout: 3000,
  })
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  })
  const out: ReadRecord[] = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  let reached: () => void = () => undefined
  const done = new Promise<void>((resolve) => (reached = resolve))
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      out.push({
        key: message.key ?? Buffer.alloc(0),
        value: message.value,
        headers: headersOf(message.headers),
        partition,
        offset: message.offset,
        timestamp: message.timestamp,
      })
      if (out.length >= expected) reached()
    },
  })
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 30_000)))
  await Promise.race([done, timeout])
  clearTimeout(timer)
  await new Promise((r) => setTimeout(r, settleMs))
  await consumer.disconnect()
  return out
}

export async function decodeAll(
  registryUrl: string,
  records: ReadRecord[],
): Promise<{ key: Record<string, unknown>; value: Record<string, unknown> | null }[]> {
  const registry = createSchemaRegistry({ url: registryUrl })
  return Promise.all(
    records.map(async (r) => ({
      key: (await decodeFramed(registry, r.key)) as Record<string, unknown>,
      value: r.value === null ? null : ((await decodeFramed(registry, r.value)) as Record<string, unknown>),
    })),
  )
}

/**
 * kafkajs' createTopics waits for leaders only while the broker answers LEADER_NOT_AVAILABLE and
 * gives up on UNKNOWN_TOPIC_OR_PARTITION, which a loaded broker answers for a moment after the
 * creation (seen in CI; the product's topic admin asks again for the same reason,
 * src/kafka/kafkajs/topic-admin.ts). The topics exist by then: their metadata is asked for again.
 */
export async function createTopicsSettled(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  const propagating = (e: unknown) =>
    ['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE'].includes(String((e as { type?: unknown }).type))
  try {
    await admin.createTopics({ topics, waitForLeaders: true })
  } catch (error) {
    if (!propagating(error)) throw error
    for (let attempt = 1; ; attempt++) {
      await new Promise((r) => setTimeout(r, 250 * attempt))
      try {
        await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) })
        return
      } catch (again) {
        if (!propagating(again) || attempt >= 8) throw again
      }
    }
  }
}
