// Which of some topics exist, asked of the brokers for those topics alone. kafkajs' listTopics asks
// for the metadata of every topic of the cluster: with a hundred thousand topics (ten thousand
// companies, docs/scale.md) that is megabytes to parse for each of the few topics a company's
// start needs to know about, on every start, and it grew a failover's CPU with the cluster's size.
import type { Admin } from 'kafkajs'

/** The Kafka error type of `error` or of a cause kafkajs wrapped it in (retries exhausted). */
function typeOf(error: unknown): unknown {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const type = (e as { type?: unknown }).type
    if (type !== undefined) return type
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Whether a topic exists, from its own metadata request; a leader not known yet: it was just created. */
async function exists(admin: Pick<Admin, 'fetchTopicMetadata'>, topic: string): Promise<boolean> {
  try {
    await admin.fetchTopicMetadata({ topics: [topic] })
    return true
  } catch (error) {
    if (typeOf(error) === 'UNKNOWN_TOPIC_OR_PARTITION') return false
    if (typeOf(error) === 'LEADER_NOT_AVAILABLE') return true
    throw error
  }
}

/**
 * The topics of `topics` that exist: one request when all of them do; else one per topic, at the
 * same time (kafkajs throws the first topic's error, which says nothing of the others).
 */
export async function existingTopics(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: readonly string[],
): Promise<Set<string>> {
  const wanted = [...new Set(topics)]
  if (wanted.length === 0) return new Set()
  if (wanted.length > 1) {
    try {
      await admin.fetchTopicMetadata({ topics: wanted })
      return new Set(wanted)
    } catch (error) {
      const type = typeOf(error)
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error
    }
  }
  const found = await Promise.all(wanted.map(async (t) => ((await exists(admin, t)) ? t : undefined)))
  return new Set(found.filter((t): t is string => t !== undefined))
}
