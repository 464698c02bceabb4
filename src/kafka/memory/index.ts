// Kafka in memory: the CaptureKafka port (src/capture/ports.ts) filled without a broker, so a
// whole engine runs in a test in milliseconds. It keeps what capture relies on from Kafka —
// partitioned logs keyed as the default partitioner keys, transactions that publish all or
// nothing, fencing per transactional id, read_committed readers that never see an aborted record
// and stop at an open transaction, consumer-group offsets committed only inside a transaction,
// max.message.bytes — and lets a test see the topics and make the next commit fail.
import type { CaptureKafka } from '../../capture/ports'
import type { IncomingRecord } from '../port'
import { MemoryBroker } from './broker'
import { createMemoryClient, type MemoryClient, type MemoryClientOptions } from './client'
import { Faults } from './faults'
import type { Isolation } from './log'

export { ProcessKilled, type MemoryClient } from './client'
export { Faults } from './faults'
export type { Isolation } from './log'

export type MemoryKafkaOptions = MemoryClientOptions

/** The broker, and the first process's client of it (a test that never restarts needs no other). */
export interface MemoryKafka extends CaptureKafka {
  /**
   * Another process's client of the same broker: what a restarted process opens after the one
   * before it was killed (`MemoryClient.kill`). Faults queued on this Kafka apply to every client.
   */
  client(): MemoryClient
  /** A topic's records in partition and offset order, as a reader of `isolation` sees them. */
  topic(name: string, isolation?: Isolation): IncomingRecord[]
  /** A topic after compaction: the last committed record of each key (tombstones stay, for a while on a broker). */
  compacted(name: string): IncomingRecord[]
  /** A consumer group's committed offsets, `topic#partition` → the next offset to read. */
  groupOffsets(groupId: string): Record<string, number>
  /** Failures for the next publish of a resource or the next durable write. */
  faults: Faults
  /** Feeds opened and not stopped by clients not killed (a test checks that an engine stopped what it started). */
  running(): number
}

export function createMemoryKafka(options: MemoryKafkaOptions = {}): MemoryKafka {
  const broker = new MemoryBroker()
  const faults = new Faults()
  const clients: MemoryClient[] = []
  const client = () => {
    const opened = createMemoryClient(broker, faults, options)
    clients.push(opened)
    return opened
  }
  const own = client()
  const readAll = (name: string, isolation: Isolation = 'read_committed') =>
    broker.topic(name).partitions.flatMap((log) => log.records(0, log.end, isolation))

  return {
    admin: own.admin,
    events: own.events,
    state: own.state,
    feeds: own.feeds,
    durableWriter: own.durableWriter,
    fence: own.fence,
    close: own.close,
    client,
    topic: readAll,
    compacted(name) {
      const last = new Map<string, IncomingRecord>()
      for (const record of readAll(name)) {
        const key = record.key?.toString('base64') ?? ''
        last.delete(key) // re-inserted: the map keeps the order of each key's last write
        last.set(key, record)
      }
      return [...last.values()]
    },
    groupOffsets: (groupId) => broker.groupOffsets(groupId),
    faults,
    // a killed client's feeds never stop, as nothing stops in a dead process
    running: () => clients.filter((c) => !c.killed).reduce((n, c) => n + c.running(), 0),
  }
}
