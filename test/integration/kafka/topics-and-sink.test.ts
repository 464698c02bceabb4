// The kafkajs adapter against the real broker: topics are created compacted, a wrongly configured
// topic is refused with a fix, the webhook inbox gets its min.insync.replicas, and a batch is atomic as a read_committed consumer sees it: all of
// it after a commit, none of it after a send failed mid-transaction.
import { ConfigResourceTypes, Kafka } from 'kafkajs'
import { KafkaError } from '../../../src/errors'
import { createKafka } from '../../../src/kafka/kafkajs/client'
import { createTopicAdmin } from '../../../src/kafka/kafkajs/topic-admin'
import { createTransactionalSink } from '../../../src/kafka/kafkajs/transactional-sink'
import { entityTopicSpec, webhookInboxTopicSpec } from '../../../src/kafka/topic-policy'
import { silentLogger } from '../../../src/ops/logger'
import { testInfra, uniqueName } from '../../infra/env'
import { createTopicsSettled } from '../../support/topics'

const defaults = { partitions: 2, replicationFactor: 1, deleteRetentionMs: 86_400_000 }

/** Reads `topic` from the beginning as a consumer of the given isolation until `last` is seen. */
async function readUntil(kafka: Kafka, topic: string, last: string, readUncommitted = false) {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted, maxWaitTimeInMs: 100 })
  const seen: { key: string; value: string | null }[] = []
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`never saw ${last}; saw ${JSON.stringify(seen)}`)),
        30_000,
      )
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? ''
          seen.push({ key, value: message.value === null ? null : message.value.toString() })
          if (key === last) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
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
      await createTopicsSettled(raw, [{ topic: bad, numPartitions: 1, replicationFactor: 1 }])
      await raw.disconnect()
      const refused = admin.ensureTopics([entityTopicSpec(bad, defaults)])
      await expect(refused).rejects.toBeInstanceOf(KafkaError)
      await expect(admin.ensureTopics([entityTopicSpec(bad, defaults)])).rejects.toThrow(/must be compacted/)
    } finally {
      await admin.close()
    }
  })

  it("sets the webhook inbox's min.insync.replicas on the topic, also when its replication is the broker's default", async () => {
    const admin = createTopicAdmin(kafka)
    const inbox = uniqueName('personio._webhooks')
    const raw = kafka.admin()
    try {
      await admin.ensureTopics([webhookInboxTopicSpec(inbox, { ...defaults, replicationFactor: -1 })])
      await raw.connect()
      // KRaft applies an AlterConfigs on the controller and the brokers learn it from the metadata
      // log: a loaded broker may describe the topic as it was for a moment
      const described = async () =>
        (
          await raw.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: ConfigResourceTypes.TOPIC, name: inbox }],
          })
        ).resources[0]?.configEntries ?? []
      let entries = await described()
      for (
        let i = 0;
        i < 50 && !entries.some((e) => e.configName === 'min.insync.replicas' && e.configSource === 1);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 200))
        entries = await described()
      }
      const entry = (name: string) => entries.find((e) => e.configName === name)
      // min(2, one replica on this broker), set on the topic, not the broker's default
      expect(entry('min.insync.replicas')).toMatchObject({
        configValue: '1',
        configSource: 1, // DYNAMIC_TOPIC_CONFIG: the topic's own, not the broker's
      })
      expect(entry('retention.ms')?.configValue).toBe(String(7 * 86_400_000))
      expect(await admin.durability([inbox, uniqueName('missing')])).toEqual({
        [inbox]: { replicas: 1, minInsyncReplicas: 1 },
      })
    } finally {
      await raw.disconnect()
      await admin.close()
    }
  })

  it('publishes all of a batch or, when a send fails mid-transaction, nothing a read_committed consumer sees', async () => {
    const topic = uniqueName('personio.projects')
    // A second topic that refuses records over 512 bytes: the broker rejects that part of the
    // produce request after the records for `topic` were appended, so only an abort hides them.
    const strict = uniqueName('personio.strict')
    const admin = createTopicAdmin(kafka)
    // One partition each: the marker committed last is then also read last.
    const one = { ...defaults, partitions: 1 }
    await admin.ensureTopics([
      entityTopicSpec(topic, one),
      {
        ...entityTopicSpec(strict, one),
        config: { 'cleanup.policy': 'compact', 'max.message.bytes': '512' },
      },
    ])
    await admin.close()
    const transactionalId = uniqueName('tx')
    const sink = createTransactionalSink(kafka, { transactionalId })
    try {
      await sink.publish([
        { topic, key: Buffer.from('1'), value: Buffer.from('one'), headers: { __op: 'c' } },
        { topic, key: Buffer.from('2'), value: Buffer.from('two') },
        { topic, key: Buffer.from('1'), value: null },
      ])
      const failing = sink.publish([
        { topic, key: Buffer.from('3'), value: Buffer.from('three') },
        { topic, key: Buffer.from('4'), value: Buffer.from('four') },
        { topic: strict, key: Buffer.from('big'), value: Buffer.alloc(4096, 1) },
      ])
      await expect(failing).rejects.toBeInstanceOf(KafkaError)
      await expect(failing).rejects.toThrow(/nothing was published/)
    } finally {
      await sink.close()
    }
    // A restarted producer with the same transactional id (what a restarted service does) commits
    // the marker the readers stop at.
    const restarted = createTransactionalSink(kafka, { transactionalId })
    try {
      await restarted.publish([{ topic, key: Buffer.from('after'), value: Buffer.from('committed') }])
    } finally {
      await restarted.close()
    }
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key)
    const committed = await readUntil(kafka, topic, 'after')
    expect(committed.sort(byKey)).toEqual([
      { key: '1', value: 'one' },
      { key: '1', value: null },
      { key: '2', value: 'two' },
      { key: 'after', value: 'committed' },
    ])
    // The aborted records did reach the log: the failure happened mid-transaction, not before it.
    const everything = await readUntil(kafka, topic, 'after', true)
    expect(everything.map((r) => r.key)).toEqual(expect.arrayContaining(['3', '4']))
  })
})
