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

/** The receiver's 202 promises durability: a write with acks=all waits for this many copies. */
export const INBOX_MIN_INSYNC_REPLICAS = 2

/**
 * min.insync.replicas for a topic of `replicas` copies: `wanted`, but never more than the copies
 * (acks=all writes would all be refused on a single broker).
 */
export const minInsyncFor = (wanted: number, replicas: number): number =>
  Math.max(1, Math.min(wanted, replicas))

/**
 * The webhook inbox: every delivery Personio made, kept 7 days (Personio retries for up to 3; a
 * stopped service finds older events through the events endpoint). The receiver answers 202 after
 * a write with acks=all, which means as many copies as min.insync.replicas: 2 (at most the replica
 * count), whatever the cluster's default (often 1).
 */
export function webhookInboxTopicSpec(topic: string, defaults: TopicDefaults): TopicSpec {
  return {
    topic,
    partitions: defaults.partitions,
    replicationFactor: defaults.replicationFactor,
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': String(7 * 86_400_000),
      ...(defaults.replicationFactor > 0
        ? {
            'min.insync.replicas': String(
              minInsyncFor(INBOX_MIN_INSYNC_REPLICAS, defaults.replicationFactor),
            ),
          }
        : {}),
    },
    minInsyncReplicas: INBOX_MIN_INSYNC_REPLICAS,
  }
}

/**
 * What `doctor` says of the inbox's durability: fine when a 202 waits for min(2, replicas) copies;
 * otherwise the command that makes it so.
 */
export function inboxDurabilityProblem(
  topic: string,
  actual: { replicas: number; minInsyncReplicas: number },
): string | undefined {
  const wanted = minInsyncFor(INBOX_MIN_INSYNC_REPLICAS, actual.replicas)
  if (actual.minInsyncReplicas >= wanted) return undefined
  return (
    `inbox topic ${topic} has min.insync.replicas=${actual.minInsyncReplicas} with ${actual.replicas} replicas: ` +
    `a delivery answered 202 may exist in one copy only. Fix it with: kafka-configs --alter --entity-type topics ` +
    `--entity-name ${topic} --add-config min.insync.replicas=${wanted}`
  )
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
