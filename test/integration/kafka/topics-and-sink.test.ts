// The kafkajs adapter against the real broker: topics are created compacted, a wrongly configured
// topic is refused with a fix, and a published batch is visible to read_committed consumers.
import { Kafka } from 'kafkajs'
import { KafkaError } from '../../../src/errors'
import { createKafka } from '../../../src/kafka/kafkajs/client'
import { createTopicAdmin } from '../../../src/kafka/kafkajs/topic-admin'
import { createTransactionalSink } from '../../../src/kafka/kafkajs/transactional-sink'
import { entityTopicSpec } from '../../../src/kafka/topic-policy'
import { silentLogger } from '../../../src/ops/logger'
import { testInfra, uniqueName } from '../../infra/env'

const defaults = { partitions: 2, replicationFactor: 1, deleteRetentionMs: 86_400_000 }

async function readAll(kafka: Kafka, topic: string, expected: number) {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted: false })
  const seen: { key: string; value: string | null }[] = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of ${expected} records`)), 30_000)
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key?.toString() ?? '',
          value: message.value === null ? null : message.value.toString(),
        })
        if (seen.length >= expected) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  await consumer.disconnect()
  return seen
}

describe('kafka > kafkajs adapter', () => {
  const { brokers } = testInfra()
  const kafka = createKafka({ brokers, clientId: 'pk-test', logger: silentLogger })

  it('creates compacted topics and refuses a topic that is not compacted', async () => {
    const admin = createTopicAdmin(kafka)
    const good = uniqueName('personio.employees')
    const bad = uniqueName('personio.absences')
    try {
      await admin.ensureTopics([entityTopicSpec(good, defaults)])
      await admin.ensureTopics([entityTopicSpec(good, defaults)]) // idempotent
      const raw = kafka.admin()
      await raw.connect()
      await raw.createTopics({
        topics: [{ topic: bad, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      })
      await raw.disconnect()
      const refused = admin.ensureTopics([entityTopicSpec(bad, defaults)])
      await expect(refused).rejects.toBeInstanceOf(KafkaError)
      await expect(admin.ensureTopics([entityTopicSpec(bad, defaults)])).rejects.toThrow(/must be compacted/)
    } finally {
      await admin.close()
    }
  })

  it('publishes upserts and a tombstone in one transaction, visible to read_committed consumers', async () => {
    const topic = uniqueName('personio.projects')
    const admin = createTopicAdmin(kafka)
    await admin.ensureTopics([entityTopicSpec(topic, defaults)])
    await admin.close()
    const sink = createTransactionalSink(kafka, { transactionalId: uniqueName('tx') })
    try {
      await sink.publish([
        { topic, key: Buffer.from('1'), value: Buffer.from('one'), headers: { __op: 'c' } },
        { topic, key: Buffer.from('2'), value: Buffer.from('two') },
        { topic, key: Buffer.from('1'), value: null },
      ])
    } finally {
      await sink.close()
    }
    const seen = await readAll(kafka, topic, 3)
    expect(seen.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: '1', value: 'one' },
      { key: '1', value: null },
      { key: '2', value: 'two' },
    ])
  })
})
