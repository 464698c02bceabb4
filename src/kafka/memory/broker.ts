// The broker a memory Kafka shares among its writers and readers: topics as partitioned logs,
// the transaction coordinator (one epoch per transactional id, the open transaction of each id),
// and the consumer groups' committed offsets. Everything happens at once, in this process; a
// reader waiting for more awaits `changed()`, a promise that holds no timer.
import { KafkaError } from '../../errors'
import type { ConsumedOffsets, OutgoingRecord, TopicSpec } from '../port'
import { BATCH_OVERHEAD_BYTES, DEFAULT_MAX_MESSAGE_BYTES, recordBytes } from '../record-size'
import { PartitionLog, type Txn } from './log'
import { partitionFor } from './partitioner'

export interface MemoryTopic {
  spec: TopicSpec
  partitions: PartitionLog[]
}

/** Where one send wrote, as kafkajs' sendBatch reports it (UncertainCommitError's `written`). */
export interface Written {
  topicName: string
  partition: number
  baseOffset: string
}

const groupKey = (topic: string, partition: number) => `${topic}#${partition}`

export class MemoryBroker {
  private readonly topics = new Map<string, MemoryTopic>()
  private readonly groups = new Map<string, Map<string, number>>()
  private readonly epochs = new Map<string, number>()
  private readonly open = new Map<string, Txn>()
  private wake: () => void = () => undefined
  private next = new Promise<void>((resolve) => (this.wake = resolve))

  /** Resolves at the next write or transaction decision. */
  changed(): Promise<void> {
    return this.next
  }

  private notify(): void {
    const wake = this.wake
    this.next = new Promise<void>((resolve) => (this.wake = resolve))
    wake()
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name)
  }

  /** Creates a topic (a topic already there is left as it is, as a broker leaves it). */
  createTopic(spec: TopicSpec): void {
    if (this.topics.has(spec.topic)) return
    const partitions = Array.from({ length: spec.partitions }, (_, p) => new PartitionLog(spec.topic, p))
    this.topics.set(spec.topic, { spec, partitions })
  }

  /** The topic, or the error a client gets for one the broker does not have. */
  topic(name: string): MemoryTopic {
    const topic = this.topics.get(name)
    if (topic === undefined)
      throw new KafkaError(`This server does not host this topic-partition (${name})`, { retriable: true })
    return topic
  }

  maxMessageBytes(name: string): number {
    const bytes = Number(this.topic(name).spec.config['max.message.bytes'])
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : DEFAULT_MAX_MESSAGE_BYTES
  }

  /**
   * One send: each record appended to its key's partition, in order. The broker refuses a send
   * whose batch for a partition is larger than the topic's max.message.bytes, and writes none of it.
   */
  send(records: readonly OutgoingRecord[], txn?: Txn): Written[] {
    const placed = records.map((record) => {
      const topic = this.topic(record.topic)
      const log = topic.partitions[partitionFor(record.key, topic.partitions.length)] as PartitionLog
      return { record, log }
    })
    const batches = new Map<PartitionLog, number>()
    for (const { record, log } of placed)
      batches.set(log, (batches.get(log) ?? BATCH_OVERHEAD_BYTES) + recordBytes(record))
    for (const [log, bytes] of batches)
      if (bytes > this.maxMessageBytes(log.topic))
        throw new KafkaError(
          `The request included a message larger than the max message size the server will accept (${log.topic}: ${bytes} > ${this.maxMessageBytes(log.topic)} bytes)`,
          { retriable: false },
        )
    const written = new Map<PartitionLog, number>()
    for (const { record, log } of placed) {
      const offset = log.append(record, txn)
      if (!written.has(log)) written.set(log, offset)
    }
    this.notify()
    return [...written].map(([log, offset]) => ({
      topicName: log.topic,
      partition: log.partition,
      baseOffset: String(offset),
    }))
  }

  /**
   * A writer registers its transactional id (InitProducerId): the id's epoch goes up, which fences
   * every older writer, and aborts the transaction an older one left open (one whose commit the
   * coordinator had is decided already: see `decide`).
   */
  register(transactionalId: string): number {
    const epoch = (this.epochs.get(transactionalId) ?? 0) + 1
    this.epochs.set(transactionalId, epoch)
    const left = this.open.get(transactionalId)
    if (left !== undefined) this.decide(left, 'aborted')
    return epoch
  }

  epoch(transactionalId: string): number | undefined {
    return this.epochs.get(transactionalId)
  }

  begin(transactionalId: string): Txn {
    const txn: Txn = { transactionalId, status: 'open', first: new Map() }
    this.open.set(transactionalId, txn)
    return txn
  }

  /** The coordinator's decision: markers written, and a commit's consumed offsets committed with it. */
  decide(txn: Txn, outcome: 'committed' | 'aborted'): void {
    if (txn.status !== 'open') return
    txn.status = outcome
    if (this.open.get(txn.transactionalId) === txn) this.open.delete(txn.transactionalId)
    for (const log of txn.first.keys()) log.mark(txn)
    if (outcome === 'committed' && txn.consumed !== undefined) this.commitOffsets(txn.consumed)
    this.notify()
  }

  private commitOffsets(consumed: ConsumedOffsets): void {
    let group = this.groups.get(consumed.groupId)
    if (group === undefined) this.groups.set(consumed.groupId, (group = new Map()))
    for (const o of consumed.offsets) group.set(groupKey(o.topic, o.partition), Number(o.offset))
  }

  /** The group's committed offset (the next to read) in a partition; undefined when it has none. */
  committed(groupId: string, topic: string, partition: number): number | undefined {
    return this.groups.get(groupId)?.get(groupKey(topic, partition))
  }

  /** Every offset the group committed, `topic#partition` → next offset (for tests). */
  groupOffsets(groupId: string): Record<string, number> {
    return Object.fromEntries(this.groups.get(groupId) ?? [])
  }
}
