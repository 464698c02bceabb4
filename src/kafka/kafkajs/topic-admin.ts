// TopicAdmin on kafkajs: creates what is missing, and refuses topics that would break the contract.
import './aborted-filter' // before kafkajs: see that file
import { ConfigResourceTypes, type Kafka } from 'kafkajs'
import { KafkaError } from '../../errors'
import type { TopicAdmin, TopicSpec } from '../port'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../record-size'
import { minInsyncFor, topicConflict } from '../topic-policy'
import { existingTopics } from './topic-exists'

/** About 7 s in all: what a busy broker takes to spread a new topic's metadata. */
const propagationAttempts = 6

/**
 * A topic just created that a broker does not know yet: kafkajs waits for leaders only while the
 * answer is LEADER_NOT_AVAILABLE and gives up on UNKNOWN_TOPIC_OR_PARTITION ("This server does not
 * host this topic-partition"), which a loaded broker answers for a moment after the creation
 * (seen in CI with four test files at once). The topics exist by then; asking again finds them.
 */
function stillPropagating(error: unknown): boolean {
  const e = error as { type?: unknown; message?: unknown }
  return (
    e.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    e.type === 'LEADER_NOT_AVAILABLE' ||
    e.message === 'Timed out while waiting for topic leaders'
  )
}

/** A broker that refuses an operation for want of an ACL. */
const refusedByAcl = (error: unknown): boolean =>
  /AUTHORIZATION_FAILED$/.test(String((error as { type?: unknown }).type ?? ''))

export interface TopicAdminOptions {
  /** a problem that stops nothing but needs a person (one line, with the fix) */
  warn?: (message: string) => void
}

export function createTopicAdmin(kafka: Kafka, options: TopicAdminOptions = {}): TopicAdmin {
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

  async function replicasOf(topics: readonly string[]): Promise<Map<string, number>> {
    const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] })
    return new Map(described.map((t) => [t.name, t.partitions[0]?.replicas.length ?? 1]))
  }

  /**
   * A topic created with the broker's default replication factor learns its replica count only
   * now: its min.insync.replicas is set (capped at that count) with the rest of its settings, as
   * AlterConfigs replaces a topic's settings whole.
   */
  async function capMinInsync(specs: readonly TopicSpec[]): Promise<void> {
    if (specs.length === 0) return
    const replicas = await replicasOf(specs.map((s) => s.topic))
    await admin.alterConfigs({
      validateOnly: false,
      resources: specs.map((s) => ({
        type: ConfigResourceTypes.TOPIC,
        name: s.topic,
        configEntries: [
          ...Object.entries(s.config).map(([name, value]) => ({ name, value })),
          {
            name: 'min.insync.replicas',
            value: String(minInsyncFor(s.minInsyncReplicas ?? 1, replicas.get(s.topic) ?? 1)),
          },
        ],
      })),
    })
  }

  async function prepare(specs: readonly TopicSpec[]): Promise<void> {
    const existing = await existingTopics(
      admin,
      specs.map((s) => s.topic),
    )
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
    const uncapped = missing.filter(
      (s) => s.minInsyncReplicas !== undefined && !('min.insync.replicas' in s.config),
    )
    await capMinInsync(uncapped).catch((error: unknown) => {
      // The topic exists and works; only its durability setting is missing. Refusing to run for it
      // would leave the topic behind and run without the setting the next time anyway.
      if (!refusedByAcl(error)) throw error
      options.warn?.(
        `Cannot set min.insync.replicas on ${uncapped.map((s) => s.topic).join(', ')} (the broker refused ` +
          'AlterConfigs: grant it on the topic, or set min.insync.replicas there yourself; doctor says how)',
      )
    })
    const present = specs.filter((s) => existing.has(s.topic))
    if (present.length === 0) return
    const configs = await describe(present.map((s) => s.topic))
    const conflicts = present.flatMap((s) => topicConflict(s, configs.get(s.topic) ?? {}) ?? [])
    if (conflicts.length > 0) throw new KafkaError(`Refusing to run: ${conflicts.join('; ')}`)
  }

  return {
    async ensureTopics(specs) {
      connected ??= admin.connect()
      for (let attempt = 1; ; attempt++) {
        try {
          await connected
          return await prepare(specs)
        } catch (error) {
          if (error instanceof KafkaError) throw error
          if (attempt < propagationAttempts && stillPropagating(error)) {
            await new Promise((r) => setTimeout(r, Math.min(2_000, 250 * 2 ** (attempt - 1))))
            continue
          }
          throw new KafkaError(
            `Cannot prepare topics ${specs.map((s) => s.topic).join(', ')}: ${(error as Error).message}. ` +
              'Check KAFKA_BROKERS and that the brokers are reachable (npm run infra:up starts a local one).',
            {
              cause: error,
              retriable: true,
            },
          )
        }
      }
    },
    async maxMessageBytes(topics) {
      connected ??= admin.connect()
      await connected
      const configs = await describe(topics)
      return Object.fromEntries(
        topics.map((t) => {
          const bytes = Number(configs.get(t)?.['max.message.bytes'])
          return [t, Number.isSafeInteger(bytes) && bytes > 0 ? bytes : DEFAULT_MAX_MESSAGE_BYTES]
        }),
      )
    },
    async durability(topics) {
      connected ??= admin.connect()
      await connected
      const existing = await existingTopics(admin, topics)
      const present = topics.filter((t) => existing.has(t))
      if (present.length === 0) return {}
      const [replicas, configs] = await Promise.all([replicasOf(present), describe(present)])
      return Object.fromEntries(
        present.map((t) => [
          t,
          {
            replicas: replicas.get(t) ?? 1,
            minInsyncReplicas: Number(configs.get(t)?.['min.insync.replicas'] ?? 1),
          },
        ]),
      )
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
