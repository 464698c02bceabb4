// Proves kafkajs 2.2.4 works against the Kafka 4.x broker (KIP-896 removed old protocol versions):
// topic admin with configs, consumer groups with committed offsets, transactions seen through
// read_committed, and the idempotent producer.
import { ConfigResourceTypes, Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs'
import { testInfra, uniqueName } from '../../infra/env'
import { createTopicsSettled } from '../../support/topics'

const { brokers } = testInfra()
const kafka = new Kafka({ brokers, clientId: 'smoke', logLevel: logLevel.NOTHING })

async function createTopic(topic: string, config: Record<string, string> = {}, partitions = 1) {
  const admin = kafka.admin()
  await admin.connect()
  await createTopicsSettled(admin, [
    {
      topic,
      numPartitions: partitions,
      replicationFactor: 1,
      configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
    },
  ])
  await admin.disconnect()
}

/** Consumes until `count` messages arrived (or fails after a bound), then stops the consumer. */
async function consume(consumer: Consumer, topic: string, count: number): Promise<KafkaMessage[]> {
  const seen: KafkaMessage[] = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out with ${seen.length}/${count} messages`)),
      30_000,
    )
    void consumer.run({
      autoCommit: true,
      eachMessage: async ({ message }) => {
        seen.push(message)
        if (seen.length === count) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  await consumer.disconnect()
  return seen
}

const values = (ms: KafkaMessage[]) => ms.map((m) => m.value?.toString())

describe('smoke > kafka', () => {
  it('creates a compacted topic and describes its configuration', async () => {
    const topic = uniqueName('smoke.compacted')
    await createTopic(topic, { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000' }, 3)
    const admin = kafka.admin()
    await admin.connect()
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    })
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
    await admin.disconnect()
    const entries = Object.fromEntries(
      (resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
    )
    expect(entries['cleanup.policy']).toBe('compact')
    expect(entries['delete.retention.ms']).toBe('86400000')
    expect(metadata.topics[0]?.partitions).toHaveLength(3)
  })

  it('resumes a consumer group after its committed offset', async () => {
    const topic = uniqueName('smoke.group')
    const groupId = uniqueName('smoke-group')
    await createTopic(topic)
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) })

    expect(values(await consume(kafka.consumer({ groupId }), topic, 3))).toEqual(['a', 'b', 'c'])
    const admin = kafka.admin()
    await admin.connect()
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] })
    await admin.disconnect()
    expect(offsets[0]?.partitions[0]?.offset).toBe('3')

    await producer.send({ topic, messages: [{ value: 'd' }] })
    await producer.disconnect()
    // Same group: starts after the committed offset, so it sees only the new record.
    expect(values(await consume(kafka.consumer({ groupId }), topic, 1))).toEqual(['d'])
  })

  it('shows read_committed consumers only committed transactions', async () => {
    const topic = uniqueName('smoke.tx')
    await createTopic(topic)
    const producer = kafka.producer({
      transactionalId: uniqueName('smoke-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    })
    await producer.connect()
    const committed = await producer.transaction()
    await committed.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] })
    await committed.commit()
    const aborted = await producer.transaction()
    await aborted.send({ topic, messages: [{ value: 'aborted' }] })
    await aborted.abort()
    const after = await producer.transaction()
    await after.send({ topic, messages: [{ value: 'committed-3' }] })
    await after.commit()
    await producer.disconnect()

    const committedView = await consume(
      kafka.consumer({ groupId: uniqueName('rc'), readUncommitted: false }),
      topic,
      3,
    )
    expect(values(committedView)).toEqual(['committed-1', 'committed-2', 'committed-3'])
    // The abort was real: the record is in the log, and only read_uncommitted sees it.
    const rawView = await consume(
      kafka.consumer({ groupId: uniqueName('ru'), readUncommitted: true }),
      topic,
      4,
    )
    expect(values(rawView)).toEqual(['committed-1', 'committed-2', 'aborted', 'committed-3'])
  })

  it('keeps order with the idempotent producer', async () => {
    const topic = uniqueName('smoke.idempotent')
    await createTopic(topic)
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
    await producer.connect()
    const expected = Array.from({ length: 50 }, (_, i) => `m${i}`)
    for (let i = 0; i < expected.length; i += 10) {
      await producer.send({
        topic,
        acks: -1,
        messages: expected.slice(i, i + 10).map((value) => ({ key: 'k', value })),
      })
    }
    await producer.disconnect()
    expect(values(await consume(kafka.consumer({ groupId: uniqueName('idem') }), topic, 50))).toEqual(
      expected,
    )
  })
})
