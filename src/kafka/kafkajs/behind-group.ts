// The records of a topic a consumer group has not committed past yet (`status`: the webhook
// inbox's backlog per resource), read without joining that group — a member of the running
// service's group would make it rebalance. A throwaway group reads from the committed offsets to
// the end offsets the topic had when asked, and commits nothing.
import type { Kafka } from 'kafkajs'
import type { IncomingRecord } from '../port'

export interface BehindGroup {
  /** records after the group's committed offsets, in order per partition (at most `max`) */
  records: IncomingRecord[]
  /** how many records that is in all, read or not */
  behind: number
}

/**
 * Reads what `groupId` has not committed past on `topic`: nothing when it is caught up (no read at
 * all, the usual case); a partition it never committed is read from its low offset, as the feed
 * reads it. Gives up after `timeoutMs`, with what it read.
 */
export async function readBehindGroup(
  kafka: Kafka,
  topic: string,
  groupId: string,
  options: { max: number; timeoutMs: number },
): Promise<BehindGroup> {
  const admin = kafka.admin()
  await admin.connect()
  let ranges: { partition: number; from: bigint; to: bigint }[]
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
    const ends = await admin.fetchTopicOffsets(topic)
    ranges = ends
      .map((p) => {
        const at = committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? '-1'
        const low = BigInt(p.low)
        const from = at === '-1' || BigInt(at) < low ? low : BigInt(at)
        return { partition: p.partition, from, to: BigInt(p.high) }
      })
      .filter((r) => r.from < r.to)
  } finally {
    await admin.disconnect()
  }
  const behind = ranges.reduce((n, r) => n + Number(r.to - r.from), 0)
  if (behind === 0) return { records: [], behind }
  const consumer = kafka.consumer({
    groupId: `${groupId}.status-${process.pid}-${Date.now().toString(36)}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
  })
  const records: IncomingRecord[] = []
  const open = new Map(ranges.map((r) => [r.partition, r]))
  let finish: () => void = () => undefined
  const done = new Promise<void>((resolve) => (finish = resolve))
  const timer = setTimeout(() => finish(), options.timeoutMs)
  try {
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const range = open.get(partition)
        const offset = BigInt(message.offset)
        if (range === undefined || offset < range.from) return Promise.resolve()
        if (offset < range.to && records.length < options.max)
          records.push({
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            timestamp: Number(message.timestamp),
            headers: {},
          })
        if (offset >= range.to - 1n) open.delete(partition)
        if (open.size === 0 || records.length >= options.max) finish()
        return Promise.resolve()
      },
    })
    for (const r of ranges) consumer.seek({ topic, partition: r.partition, offset: String(r.from) })
    await done
    return { records, behind }
  } finally {
    clearTimeout(timer)
    await consumer.disconnect().catch(() => undefined)
  }
}
