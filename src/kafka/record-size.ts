// What a record costs in a Kafka record batch (v2, uncompressed), as the broker counts it against
// max.message.bytes, and how one transaction's records are cut into sends that stay below a budget.
// kafkajs writes all records of one send for one partition as one batch, and the broker refuses a
// batch above the topic's max.message.bytes (default 1,048,588) — whatever the company's size, so
// a transaction is sent in pieces, never as one batch per partition.
import type { OutgoingRecord } from './port'

/** The broker's default message.max.bytes, which a topic's max.message.bytes defaults to. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588

/** Record batch header (v2): base offset … record count. */
export const BATCH_OVERHEAD_BYTES = 61

/**
 * The most one send writes to a topic: half the broker default, so a batch stays well below the
 * limit whatever the estimate misses, and a request stays small enough to retry cheaply.
 */
export const DEFAULT_BATCH_BUDGET_BYTES = 512 * 1024

const varintBytes = (n: number): number => {
  let zigzag = n >= 0 ? n * 2 : -n * 2 - 1
  let bytes = 1
  while (zigzag >= 128) {
    zigzag = Math.floor(zigzag / 128)
    bytes++
  }
  return bytes
}

/** Upper bound on the bytes a record takes in a batch: its length prefix included. */
export function recordBytes(record: OutgoingRecord): number {
  const key = record.key.length
  const value = record.value?.length ?? 0
  let headers = 0
  const entries = Object.entries(record.headers ?? {})
  for (const [name, text] of entries) {
    const n = Buffer.byteLength(name)
    const v = Buffer.byteLength(text)
    headers += varintBytes(n) + n + varintBytes(v) + v
  }
  const body =
    1 + // attributes
    10 + // timestamp delta: a varlong, at most 10 bytes
    5 + // offset delta
    varintBytes(key) +
    key +
    (record.value === null ? 1 : varintBytes(value) + value) +
    varintBytes(entries.length) +
    headers
  return varintBytes(body) + body
}

/** Whether a record fits a topic at all: alone in its batch, below the topic's max.message.bytes. */
export const fitsAlone = (record: OutgoingRecord, maxMessageBytes: number): boolean =>
  BATCH_OVERHEAD_BYTES + recordBytes(record) <= maxMessageBytes

/**
 * Cuts records into consecutive sends, in order (per-key order holds: sends go one after another),
 * so that the records of each topic in one send, and hence each partition's batch, take at most
 * `budget(topic)` bytes with the batch header. A record bigger than that goes alone for its topic.
 */
export function chunkByBytes(
  records: readonly OutgoingRecord[],
  budget: (topic: string) => number,
): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = []
  let chunk: OutgoingRecord[] = []
  let bytes = new Map<string, number>()
  for (const record of records) {
    const size = recordBytes(record)
    const used = bytes.get(record.topic) ?? BATCH_OVERHEAD_BYTES
    if (used > BATCH_OVERHEAD_BYTES && used + size > budget(record.topic)) {
      chunks.push(chunk)
      chunk = []
      bytes = new Map()
    }
    chunk.push(record)
    bytes.set(record.topic, (bytes.get(record.topic) ?? BATCH_OVERHEAD_BYTES) + size)
  }
  if (chunk.length > 0) chunks.push(chunk)
  return chunks
}

/** A topic's send budget: the default, or less when the topic accepts less. */
export const batchBudget = (maxMessageBytes: number): number =>
  Math.min(DEFAULT_BATCH_BUDGET_BYTES, maxMessageBytes)
