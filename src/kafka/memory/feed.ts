// A read_committed consumer group in memory, as the kafkajs feed (src/kafka/kafkajs/feed.ts) reads:
// from the group's committed offsets (or the start of each partition), one batch of one partition
// at a time, the next only once the handler's promise settled; nothing committed unless the
// handler commits it in its transaction. With `untilCaughtUp` it reads every partition to the
// stable end it had when the feed started, and no further (kafkajs may hand over a little more:
// here a run is the same every time); otherwise it waits for what is appended later.
// Each feed reads every partition of its topics: two members of one group at once (a rebalance
// splitting the partitions between them) are not modelled.
import { KafkaError, PkError } from '../../errors'
import type { Feed, FeedBatch, FeedOptions, IncomingRecord } from '../port'
import { recordBytes } from '../record-size'
import type { MemoryBroker } from './broker'
import type { PartitionLog } from './log'

/** kafkajs' maxBytesPerPartition: the most one batch of one partition holds (one record at least). */
export const FEED_BATCH_BYTES = 1_048_576

interface Position {
  log: PartitionLog
  at: number
  /** untilCaughtUp: the stable end at start, where reading stops */
  until?: number
}

/** Up to `maxBytes` of records from the position to the stable end, and where reading got to. */
function nextBatch(position: Position, maxBytes: number): { records: IncomingRecord[]; to: number } {
  const records: IncomingRecord[] = []
  let bytes = 0
  let at = position.at
  for (const end = Math.min(position.log.stable, position.until ?? Infinity); at < end; at++) {
    const record = position.log.read(at)
    if (record === undefined) continue // a marker, or an aborted record
    const { topic, key, value, headers } = record
    const size = recordBytes({ topic, key: key ?? Buffer.alloc(0), value, headers })
    if (records.length > 0 && bytes + size > maxBytes) break
    records.push(record)
    bytes += size
  }
  return { records, to: at }
}

export function createMemoryFeed(
  broker: MemoryBroker,
  options: FeedOptions,
  batchBytes = FEED_BATCH_BYTES,
): Feed {
  let stopped = false
  let wakeStop: () => void = () => undefined
  const stopping = new Promise<void>((resolve) => (wakeStop = resolve))

  async function deliver(position: Position, handler: (batch: FeedBatch) => Promise<void>): Promise<boolean> {
    const { records, to } = nextBatch(position, batchBytes)
    if (to === position.at) return false
    const last = records[records.length - 1]
    if (last !== undefined) {
      const next = {
        groupId: options.groupId,
        offsets: [{ topic: last.topic, partition: last.partition, offset: String(Number(last.offset) + 1) }],
      }
      await handler({ records, next })
    }
    position.at = to
    return true
  }

  return {
    async run(handler, onCaughtUp = () => undefined) {
      try {
        const positions = options.topics.flatMap((name) =>
          broker.topic(name).partitions.map((log): Position => ({
            log,
            at: broker.committed(options.groupId, name, log.partition) ?? 0,
            ...(options.untilCaughtUp ? { until: log.stable } : {}),
          })),
        )
        // what "caught up" means: the stable end each partition has now
        const pending = new Map(positions.filter((p) => p.at < p.log.stable).map((p) => [p, p.log.stable]))
        let caughtUp = pending.size === 0
        if (caughtUp) onCaughtUp()
        while (!stopped && !(caughtUp && options.untilCaughtUp)) {
          const changed = broker.changed()
          let progressed = false
          for (const position of positions) {
            if (stopped) break
            if (!(await deliver(position, handler))) continue
            progressed = true
            const end = pending.get(position)
            if (end !== undefined && position.at >= end) pending.delete(position)
            if (!caughtUp && pending.size === 0) {
              caughtUp = true
              onCaughtUp()
            }
          }
          if (!progressed && !(caughtUp && options.untilCaughtUp)) await Promise.race([changed, stopping])
        }
      } catch (error) {
        stopped = true
        throw error instanceof PkError
          ? error
          : new KafkaError(`Reading ${options.topics.join(', ')} failed: ${(error as Error).message}`, {
              cause: error,
              retriable: true,
            })
      }
    },
    stop() {
      stopped = true
      wakeStop()
      return Promise.resolve()
    },
  }
}
