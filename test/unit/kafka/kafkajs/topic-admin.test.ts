// The topic admin against a stand-in for kafkajs' admin client: what a loaded broker answers for a
// moment after creating a topic (UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not wait out).
import type { Kafka } from 'kafkajs'
import { KafkaError } from '../../../../src/errors'
import { createTopicAdmin } from '../../../../src/kafka/kafkajs/topic-admin'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../../src/kafka/record-size'
import { entityTopicSpec, webhookInboxTopicSpec } from '../../../../src/kafka/topic-policy'

const spec = entityTopicSpec('p.employees', {
  partitions: 1,
  replicationFactor: 1,
  deleteRetentionMs: 86_400_000,
})
const notHosted = Object.assign(new Error('This server does not host this topic-partition'), {
  type: 'UNKNOWN_TOPIC_OR_PARTITION',
})

function brokerThat(createTopics: () => Promise<boolean>) {
  const topics = new Set<string>()
  const calls = { createTopics: 0 }
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    // as a broker answers for a topic it does not host: kafkajs throws the topic's error
    fetchTopicMetadata: ({ topics: asked }: { topics: string[] }) =>
      asked.every((t) => topics.has(t))
        ? Promise.resolve({ topics: asked.map((name) => ({ name, partitions: [{ replicas: [1] }] })) })
        : Promise.reject(notHosted),
    createTopics: async () => {
      calls.createTopics++
      topics.add(spec.topic) // created on the controller, whatever the metadata says next
      return createTopics()
    },
    describeConfigs: () =>
      Promise.resolve({
        resources: [
          {
            resourceName: spec.topic,
            configEntries: Object.entries(spec.config).map(([configName, configValue]) => ({
              configName,
              configValue,
            })),
          },
        ],
      }),
  }
  return { kafka: { admin: () => admin } as unknown as Kafka, calls }
}

describe('kafka > kafkajs > topic admin', () => {
  afterEach(() => jest.useRealTimers())

  it('a topic its broker does not host yet, just after creating it, is asked for again', async () => {
    const { kafka, calls } = brokerThat(() => Promise.reject(notHosted))
    await expect(createTopicAdmin(kafka).ensureTopics([spec])).resolves.toBeUndefined()
    expect(calls.createTopics).toBe(1)
  })

  it('gives up after about 7 s with one error naming the topics', async () => {
    jest.useFakeTimers()
    const { kafka } = brokerThat(() => Promise.reject(notHosted))
    const admin = createTopicAdmin(kafka)
    const asked = jest.spyOn(kafka.admin(), 'fetchTopicMetadata').mockRejectedValue(notHosted)
    const outcome = admin.ensureTopics([spec]).catch((e: unknown) => e)
    await jest.advanceTimersByTimeAsync(7_000)
    const error = await outcome
    expect(error).toBeInstanceOf(KafkaError)
    expect((error as Error).message).toMatch(/^Cannot prepare topics p\.employees: This server does not host/)
    expect(asked).toHaveBeenCalledTimes(6)
  })

  it('any other failure is said at once', async () => {
    const refused = Object.assign(new Error('Topic authorization failed'), {
      type: 'TOPIC_AUTHORIZATION_FAILED',
    })
    const { kafka, calls } = brokerThat(() => Promise.reject(refused))
    await expect(createTopicAdmin(kafka).ensureTopics([spec])).rejects.toThrow(/Topic authorization failed/)
    expect(calls.createTopics).toBe(1)
  })

  it("the inbox's min.insync.replicas refused for want of an ACL is one warning, not a refusal to run", async () => {
    const inbox = webhookInboxTopicSpec('p._webhooks', {
      partitions: 1,
      replicationFactor: -1,
      deleteRetentionMs: 1,
    })
    const refused = Object.assign(new Error('Topic authorization failed'), {
      type: 'TOPIC_AUTHORIZATION_FAILED',
    })
    const brokenDisk = Object.assign(new Error('Kafka storage error'), { type: 'KAFKA_STORAGE_ERROR' })
    let created = false
    const adminThat = (alterConfigs: () => Promise<unknown>) => ({
      connect: () => Promise.resolve(),
      createTopics: () => Promise.resolve(void (created = true)),
      fetchTopicMetadata: () =>
        created
          ? Promise.resolve({ topics: [{ name: inbox.topic, partitions: [{ replicas: [1, 2, 3] }] }] })
          : Promise.reject(notHosted),
      alterConfigs,
    })
    const warnings: string[] = []
    const kafka = { admin: () => adminThat(() => Promise.reject(refused)) } as unknown as Kafka
    await expect(
      createTopicAdmin(kafka, { warn: (m) => warnings.push(m) }).ensureTopics([inbox]),
    ).resolves.toBeUndefined()
    expect(warnings).toEqual([
      'Cannot set min.insync.replicas on p._webhooks (the broker refused AlterConfigs: grant it on the topic, or set min.insync.replicas there yourself; doctor says how)',
    ])
    // any other failure still stops
    created = false
    const failing = { admin: () => adminThat(() => Promise.reject(brokenDisk)) } as unknown as Kafka
    await expect(createTopicAdmin(failing).ensureTopics([inbox])).rejects.toThrow(/storage error/)
  })

  it("learns each topic's max.message.bytes, the broker default where the answer has none", async () => {
    const admin = {
      connect: () => Promise.resolve(),
      describeConfigs: () =>
        Promise.resolve({
          resources: [
            {
              resourceName: 'p.custom_reports',
              configEntries: [{ configName: 'max.message.bytes', configValue: '200000' }],
            },
            { resourceName: 'p._state', configEntries: [] },
          ],
        }),
    }
    const kafka = { admin: () => admin } as unknown as Kafka
    await expect(createTopicAdmin(kafka).maxMessageBytes(['p.custom_reports', 'p._state'])).resolves.toEqual({
      'p.custom_reports': 200_000,
      'p._state': DEFAULT_MAX_MESSAGE_BYTES,
    })
  })
})
