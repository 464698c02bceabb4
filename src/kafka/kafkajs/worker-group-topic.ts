// The companies topic (issue #28): its partitions are what the worker group's coordinator assigns,
// and a company runs where its id hashes to. Nothing needs its records, so it only has to exist,
// compacted (it may hold one record per company some day, never a log). Its partition count is
// fixed once created: a topic made earlier with another count is used as it is, since every worker
// must hash over the count the brokers assign, not over the one it was configured with.
import type { Admin } from 'kafkajs'
import { KafkaError } from '../../errors'
import { existingTopics } from './topic-exists'

export interface CompaniesTopicOptions {
  topic: string
  /** the count to create it with (WORKER_PARTITIONS) */
  partitions: number
  /** a problem that stops nothing but needs a person (one line, with the fix) */
  warn: (message: string) => void
}

const errorTypes = (error: unknown): string[] => {
  const e = error as { type?: unknown; errors?: unknown; cause?: unknown }
  const own = typeof e.type === 'string' ? [e.type] : []
  const nested = Array.isArray(e.errors) ? e.errors.flatMap(errorTypes) : []
  return [...own, ...nested, ...(e.cause === undefined ? [] : errorTypes(e.cause))]
}

/** A cluster that will not take -1 (the broker's default): brokers before 2.4, or a default above the brokers. */
const refusesReplication = (error: unknown): boolean =>
  errorTypes(error).some((t) => t === 'INVALID_REPLICATION_FACTOR' || t === 'INVALID_REQUEST')

/** A topic just created, not yet known to the broker answering (see topic-admin.ts). */
const stillPropagating = (error: unknown): boolean =>
  errorTypes(error).some((t) => t === 'UNKNOWN_TOPIC_OR_PARTITION' || t === 'LEADER_NOT_AVAILABLE')

async function create(admin: Admin, topic: string, partitions: number, replicationFactor: number) {
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor,
          configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
    })
  } catch (error) {
    // created, but kafkajs' wait for its leaders gave up early: partitionCount() waits on
    if (!stillPropagating(error)) throw error
  }
}

async function partitionCount(admin: Admin, topic: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
      const count = topics[0]?.partitions.length ?? 0
      if (count > 0) return count
    } catch (error) {
      if (!stillPropagating(error) || attempt >= 10) throw error
    }
    await new Promise((r) => setTimeout(r, Math.min(2_000, 250 * 2 ** (attempt - 1))))
  }
}

/** Creates the companies topic when missing; its actual partition count. */
export async function ensureCompaniesTopic(admin: Admin, options: CompaniesTopicOptions): Promise<number> {
  const { topic, partitions } = options
  try {
    if (!(await existingTopics(admin, [topic])).has(topic)) {
      try {
        await create(admin, topic, partitions, -1)
      } catch (error) {
        // created, its leaders not yet known to the broker that answered: the count below waits
        if (stillPropagating(error)) {
          /* fall through */
        } else if (!refusesReplication(error)) throw error
        else {
          const { brokers } = await admin.describeCluster()
          await create(admin, topic, partitions, Math.max(1, Math.min(3, brokers.length)))
        }
      }
    }
    const actual = await partitionCount(admin, topic)
    if (actual !== partitions)
      options.warn(
        `Companies topic ${topic} has ${actual} partitions, not WORKER_PARTITIONS=${partitions}: ` +
          `using ${actual} (a partition count is fixed once the topic exists; set WORKER_PARTITIONS=${actual} to silence this)`,
      )
    return actual
  } catch (error) {
    throw new KafkaError(
      `Cannot prepare the companies topic ${topic}: ${(error as Error).message}. ` +
        'Check KAFKA_BROKERS and that the brokers are reachable, and that this client may create and describe the topic.',
      { cause: error, retriable: true },
    )
  }
}
