// One partition of a topic as a broker keeps it: an append-only list of entries at consecutive
// offsets. A transaction's records take their offsets when sent and become readable only once it
// commits; each decision (commit or abort) also takes an offset for its marker, so offsets have
// gaps as they do on a broker. A read_committed reader stops at the last stable offset: the first
// record of a transaction still open, which holds back everything after it.
import type { ConsumedOffsets, IncomingRecord, OutgoingRecord } from '../port'

export interface Txn {
  transactionalId: string
  status: 'open' | 'committed' | 'aborted'
  /** each partition it wrote, with the offset of its first record there */
  first: Map<PartitionLog, number>
  /** a stage's or the inbox reader's progress: committed to the group when the transaction commits */
  consumed?: ConsumedOffsets
}

type Entry = { kind: 'record'; record: IncomingRecord; txn?: Txn } | { kind: 'marker'; txn: Txn }

export class PartitionLog {
  private readonly entries: Entry[] = []
  private readonly open = new Set<Txn>()

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** the log end offset (high watermark: one broker, every write is in sync at once) */
  get end(): number {
    return this.entries.length
  }

  /** the last stable offset: read_committed readers see nothing from here on */
  get stable(): number {
    let stable = this.entries.length
    for (const txn of this.open) stable = Math.min(stable, txn.first.get(this) ?? stable)
    return stable
  }

  append(record: OutgoingRecord, txn: Txn | undefined): number {
    const offset = this.entries.length
    this.entries.push({
      kind: 'record',
      txn,
      record: {
        topic: this.topic,
        partition: this.partition,
        offset: String(offset),
        key: Buffer.from(record.key),
        value: record.value === null ? null : Buffer.from(record.value),
        headers: { ...record.headers },
        timestamp: record.timestamp ?? Date.now(),
      },
    })
    if (txn !== undefined && !txn.first.has(this)) {
      txn.first.set(this, offset)
      this.open.add(txn)
    }
    return offset
  }

  /** A transaction decided: its marker closes it here. */
  mark(txn: Txn): void {
    this.open.delete(txn)
    this.entries.push({ kind: 'marker', txn })
  }

  /**
   * The record at `offset` as a reader sees it: read_committed (the default) skips markers,
   * aborted records and anything at or past the stable offset; read_uncommitted sees every record.
   */
  read(offset: number, isolation: Isolation = 'read_committed'): IncomingRecord | undefined {
    const entry = this.entries[offset]
    if (entry?.kind !== 'record') return undefined
    if (isolation === 'read_uncommitted') return entry.record
    if (offset >= this.stable) return undefined
    return entry.txn === undefined || entry.txn.status === 'committed' ? entry.record : undefined
  }

  /** Every record from `from` up to `to` (exclusive) a reader of `isolation` sees. */
  records(from = 0, to = this.end, isolation: Isolation = 'read_committed'): IncomingRecord[] {
    const out: IncomingRecord[] = []
    for (let offset = from; offset < to; offset++) {
      const record = this.read(offset, isolation)
      if (record !== undefined) out.push(record)
    }
    return out
  }
}

export type Isolation = 'read_committed' | 'read_uncommitted'
