// Feed on kafkajs: a read_committed consumer group whose batches are handed to one handler at a
// time. Offsets are never auto-committed: the handler commits them inside its transaction. With
// `untilCaughtUp` it resolves once every partition reached the end offset it had at the start —
// counted from kafkajs' batch events, which also fire for batches holding only transaction markers
// (a committed topic ends in a marker, so the last data offset is never the end).
import './aborted-filter' // before kafkajs: see that file
import type { Kafka } from 'kafkajs'
import { KafkaError, PkError } from '../../errors'
import type { Feed, FeedBatch, FeedOptions } from '../port'
import { committedEnds } from './commit-ledger'
import { withKnownTopics } from './known-topics'

const pkey = (topic: string, partition: number) => `${topic}#${partition}`

/** A group's coordinator may still be loading right after a broker starts (and a new topic's leader
 * may not be known yet): kafkajs' admin does not retry that. */
async function withCoordinatorRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true
      if (!retriable || attempt >= 20) throw error
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)))
    }
  }
}

async function endOffsets(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<Map<string, bigint>> {
  // the topics it reads exist (else subscribing fails): its admin asks about them alone
  const admin = withKnownTopics(kafka, topics, () => kafka.admin())
  await admin.connect()
  try {
    const pending = new Map<string, bigint>()
    const committed = await withCoordinatorRetry(() => admin.fetchOffsets({ groupId, topics: [...topics] }))
    for (const topic of topics) {
      // Right after a topic is created its leader may not be known yet (NOT_LEADER_FOR_PARTITION):
      // kafkajs' admin retries only an unknown topic.
      const ends = await committedEnds(kafka, topic, () =>
        withCoordinatorRetry(() => admin.fetchTopicOffsets(topic)),
      )
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? []
      for (const p of ends) {
        const at = mine.find((m) => m.partition === p.partition)?.offset ?? '-1'
        const start = at === '-1' ? BigInt(p.low) : BigInt(at)
        if (start < BigInt(p.high)) pending.set(pkey(topic, p.partition), BigInt(p.high))
      }
    }
    return pending
  } finally {
    await admin.disconnect()
  }
}

const HEARTBEAT_MS = 1_000

export function createFeed(kafka: Kafka, options: FeedOptions): Feed {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    // A killed instance stays a member of the group until its session times out, and a restarted
    // one waits that long to join: 10 s (the broker's floor is 6 s) instead of kafkajs' 30 s.
    sessionTimeout: 10_000,
    heartbeatInterval: HEARTBEAT_MS,
    maxWaitTimeInMs: 250,
  })
  let stopped = false
  let finish: () => void = () => undefined

  return {
    async run(handler, onCaughtUp = () => undefined) {
      let pending: Map<string, bigint> | undefined
      const done = new Promise<void>((resolve) => (finish = resolve))
      let failure: unknown
      const caughtUp = () => {
        onCaughtUp()
        if (options.untilCaughtUp) finish()
      }
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (pending === undefined) return
        const key = pkey(payload.topic, payload.partition)
        const end = pending.get(key)
        if (end !== undefined && BigInt(payload.lastOffset) >= end - 1n) pending.delete(key)
        if (pending.size === 0 && end !== undefined) caughtUp()
      })
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return
        failure = payload.error
        finish()
      })
      try {
        pending = await endOffsets(kafka, options.groupId, options.topics)
        if (pending.size === 0) {
          onCaughtUp()
          if (options.untilCaughtUp) return
        }
        await consumer.connect()
        await consumer.subscribe({ topics: [...options.topics], fromBeginning: true })
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            if (stopped || batch.messages.length === 0) return
            const records = batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key,
              value: m.value,
              timestamp: Number(m.timestamp),
              headers: Object.fromEntries(
                Object.entries(m.headers ?? {}).map(([k, v]) => [
                  k,
                  Buffer.isBuffer(v) ? v.toString() : String(v),
                ]),
              ),
            }))
            const last = batch.messages[batch.messages.length - 1]?.offset ?? batch.lastOffset()
            const feedBatch: FeedBatch = {
              records,
              next: {
                groupId: options.groupId,
                offsets: [
                  { topic: batch.topic, partition: batch.partition, offset: String(BigInt(last) + 1n) },
                ],
              },
            }
            // A stage's batch can take longer than the session (a re-read of 100 employees'
            // balances is 20 s at Personio's pace): kafkajs heartbeats only between batches, so
            // the broker would expel the member mid-batch and the group would rebalance after it.
            const beating = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS)
            try {
              await handler(feedBatch)
            } catch (error) {
              // Our handler failed (its transaction aborted): stop here rather than let kafkajs
              // redeliver the batch forever; the caller decides about retrying.
              failure = error
              stopped = true
              finish()
              return
            } finally {
              clearInterval(beating)
            }
            resolveOffset(last)
            await heartbeat()
          },
        })
        await done // caught up, failed, or (a long-running feed) stopped
        if (failure !== undefined) throw failure
      } catch (error) {
        throw error instanceof PkError
          ? error
          : new KafkaError(`Reading ${options.topics.join(', ')} failed: ${(error as Error).message}`, {
              cause: error,
              retriable: true,
            })
      } finally {
        stopped = true
        await consumer.disconnect().catch(() => undefined)
      }
    },
    async stop() {
      stopped = true
      finish()
    },
  }
}
