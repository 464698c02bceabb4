// Pure rules for the topics we own: entity topics are compacted with a tombstone retention long
// enough for slow consumers; the dead-letter topic is a plain delete-policy log.
import type { TopicSpec } from './port'

export interface TopicDefaults {
  partitions: number
  replicationFactor: number
  deleteRetentionMs: number
}

export function entityTopicSpec(topic: string, defaults: TopicDefaults): TopicSpec {
  return {
    topic,
    partitions: defaults.partitions,
    replicationFactor: defaults.replicationFactor,
    config: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(defaults.deleteRetentionMs) },
  }
}

/** The state topic: compacted (one live value per cursor and key), one partition (restored in order). */
export function stateTopicSpec(topic: string, defaults: TopicDefaults): TopicSpec {
  return {
    topic,
    partitions: 1,
    replicationFactor: defaults.replicationFactor,
    config: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(defaults.deleteRetentionMs) },
  }
}

export function deadLetterTopicSpec(topic: string, defaults: TopicDefaults): TopicSpec {
  return {
    topic,
    partitions: 1,
    replicationFactor: defaults.replicationFactor,
    config: { 'cleanup.policy': 'delete' },
  }
}

/**
 * The webhook inbox: every delivery Personio made, kept 7 days (Personio retries for up to 3; a
 * stopped service finds older events through the events endpoint). min.insync.replicas follows
 * the broker: the receiver writes with acks=all.
 */
export function webhookInboxTopicSpec(topic: string, defaults: TopicDefaults): TopicSpec {
  return {
    topic,
    partitions: defaults.partitions,
    replicationFactor: defaults.replicationFactor,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 86_400_000) },
  }
}

/**
 * Why an existing topic cannot be used for a spec, or undefined when it can. Compaction is what
 * makes a topic a table; without it old keys expire and deleted keys never go away.
 */
export function topicConflict(
  spec: TopicSpec,
  actual: Record<string, string | undefined>,
): string | undefined {
  const wanted = spec.config['cleanup.policy']
  const policy = actual['cleanup.policy'] ?? 'delete'
  if (wanted === 'compact' && !policy.split(',').includes('compact')) {
    return (
      `topic ${spec.topic} has cleanup.policy=${policy}, but entity topics must be compacted. ` +
      `Fix it with: kafka-configs --alter --entity-type topics --entity-name ${spec.topic} --add-config cleanup.policy=compact ` +
      `(or delete the topic, or choose another TOPIC_PREFIX)`
    )
  }
  return undefined
}
