// The memory topic admin creates and judges topics as the kafkajs one does (the same topic-policy
// rules): a non-compacted entity topic is refused, limits and durability are the topic's settings.
import { createMemoryKafka } from '../../../../src/kafka/memory'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../../src/kafka/record-size'
import { entityTopicSpec, webhookInboxTopicSpec } from '../../../../src/kafka/topic-policy'

const defaults = { partitions: 3, replicationFactor: -1, deleteRetentionMs: 1_000 }

describe('kafka > memory > admin', () => {
  it('creates missing topics with their partitions, and leaves existing ones as they are', async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([entityTopicSpec('p.employees', defaults)])
    await kafka.admin.ensureTopics([entityTopicSpec('p.employees', { ...defaults, partitions: 6 })])
    const sink = kafka.events({ prefix: 'p', batchBudget: () => 1_000 })
    const keys = Array.from({ length: 30 }, (_, i) => ({
      topic: 'p.employees',
      key: Buffer.from(`${i}`),
      value: null,
    }))
    await sink.publish('employees', keys)
    expect(new Set(kafka.topic('p.employees').map((r) => r.partition))).toEqual(new Set([0, 1, 2]))
  })

  it('refuses an existing entity topic that is not compacted', async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([
      { topic: 'p.employees', partitions: 1, replicationFactor: 1, config: {} },
    ])
    await expect(kafka.admin.ensureTopics([entityTopicSpec('p.employees', defaults)])).rejects.toThrow(
      /Refusing to run: topic p.employees has cleanup.policy=delete/,
    )
  })

  it("says each topic's max.message.bytes, the broker default unless set", async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([
      entityTopicSpec('p.a', defaults),
      { topic: 'p.b', partitions: 1, replicationFactor: 1, config: { 'max.message.bytes': '2000' } },
    ])
    expect(await kafka.admin.maxMessageBytes(['p.a', 'p.b'])).toEqual({
      'p.a': DEFAULT_MAX_MESSAGE_BYTES,
      'p.b': 2000,
    })
  })

  it("says the inbox's durability, min.insync.replicas capped at its replicas", async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([
      webhookInboxTopicSpec('p._webhooks', defaults),
      webhookInboxTopicSpec('q._webhooks', { ...defaults, replicationFactor: 3 }),
    ])
    expect(await kafka.admin.durability(['p._webhooks', 'q._webhooks', 'missing'])).toEqual({
      'p._webhooks': { replicas: 1, minInsyncReplicas: 1 },
      'q._webhooks': { replicas: 3, minInsyncReplicas: 2 },
    })
    await expect(kafka.admin.ping()).resolves.toBeUndefined()
  })
})
