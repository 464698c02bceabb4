// TopicAdmin on kafkajs: creates what is missing, and refuses topics that would break the contract.
import './aborted-filter' // before kafkajs: see that file
import { ConfigResourceTypes, type Kafka } from 'kafkajs'
import { KafkaError } from '../../errors'
import type { TopicAdmin, TopicSpec } from '../port'
import { topicConflict } from '../topic-policy'

export function createTopicAdmin(kafka: Kafka): TopicAdmin {
  const admin = kafka.admin()
  let connected: Promise<void> | undefined

  async function describe(
    topics: readonly string[],
  ): Promise<Map<string, Record<string, string | undefined>>> {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    })
    return new Map(
      resources.map((r) => [
        r.resourceName,
        Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue])),
      ]),
    )
  }

  return {
    async ensureTopics(specs) {
      connected ??= admin.connect()
      try {
        await connected
        const existing = new Set(await admin.listTopics())
        const missing = specs.filter((s) => !existing.has(s.topic))
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((s: TopicSpec) => ({
              topic: s.topic,
              numPartitions: s.partitions,
              replicationFactor: s.replicationFactor,
              configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
            })),
          })
        }
        const present = specs.filter((s) => existing.has(s.topic))
        if (present.length === 0) return
        const configs = await describe(present.map((s) => s.topic))
        const conflicts = present.flatMap((s) => topicConflict(s, configs.get(s.topic) ?? {}) ?? [])
        if (conflicts.length > 0) throw new KafkaError(`Refusing to run: ${conflicts.join('; ')}`)
      } catch (error) {
        if (error instanceof KafkaError) throw error
        throw new KafkaError(
          `Cannot prepare topics ${specs.map((s) => s.topic).join(', ')}: ${(error as Error).message}. ` +
            'Check KAFKA_BROKERS and that the brokers are reachable (npm run infra:up starts a local one).',
          {
            cause: error,
            retriable: true,
          },
        )
      }
    },
    async ping() {
      connected ??= admin.connect()
      await connected
      await admin.describeCluster()
    },
    async close() {
      if (connected !== undefined) await admin.disconnect()
    },
  }
}
