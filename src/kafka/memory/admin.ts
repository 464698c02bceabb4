// TopicAdmin in memory: creates what is missing and refuses what the kafkajs admin refuses
// (src/kafka/kafkajs/topic-admin.ts, through the same topic-policy rules). One broker that keeps
// every copy it is asked for: a topic has the replicas its spec names (1 for the broker default).
import { KafkaError } from '../../errors'
import type { TopicAdmin, TopicSpec } from '../port'
import { minInsyncFor, topicConflict } from '../topic-policy'
import type { MemoryBroker } from './broker'

const replicasOf = (spec: TopicSpec): number => (spec.replicationFactor > 0 ? spec.replicationFactor : 1)

/** A created topic's settings, min.insync.replicas capped at its replicas as the kafkajs admin sets it. */
function created(spec: TopicSpec): TopicSpec {
  if (spec.minInsyncReplicas === undefined || 'min.insync.replicas' in spec.config) return spec
  const minInsync = minInsyncFor(spec.minInsyncReplicas, replicasOf(spec))
  return { ...spec, config: { ...spec.config, 'min.insync.replicas': String(minInsync) } }
}

export function createMemoryAdmin(broker: MemoryBroker): TopicAdmin {
  return {
    ensureTopics(specs) {
      const present = specs.filter((s) => broker.hasTopic(s.topic))
      for (const spec of specs) if (!broker.hasTopic(spec.topic)) broker.createTopic(created(spec))
      const conflicts = present.flatMap((s) => topicConflict(s, broker.topic(s.topic).spec.config) ?? [])
      if (conflicts.length > 0)
        return Promise.reject(new KafkaError(`Refusing to run: ${conflicts.join('; ')}`))
      return Promise.resolve()
    },
    maxMessageBytes(topics) {
      return Promise.resolve(Object.fromEntries(topics.map((t) => [t, broker.maxMessageBytes(t)])))
    },
    durability(topics) {
      return Promise.resolve(
        Object.fromEntries(
          topics
            .filter((t) => broker.hasTopic(t))
            .map((t) => {
              const { spec } = broker.topic(t)
              const minInsync = Number(spec.config['min.insync.replicas'] ?? 1)
              return [t, { replicas: replicasOf(spec), minInsyncReplicas: minInsync }]
            }),
        ),
      )
    },
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }
}
