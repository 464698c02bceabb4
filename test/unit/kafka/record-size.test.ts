// Record sizes as the broker counts them against max.message.bytes, checked against kafkajs' own
// encoder (the bytes it puts on the wire), and the cutting of a transaction into sends whose
// batches stay below a budget: the cause of issue #17's "message larger than the max message size
// the server will accept", a 5,000-employee report sent as one 2 MB batch per partition.
import fc from 'fast-check'
import type { OutgoingRecord } from '../../../src/kafka/port'
import {
  BATCH_OVERHEAD_BYTES,
  batchBudget,
  chunkByBytes,
  DEFAULT_BATCH_BUDGET_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  fitsAlone,
  recordBytes,
} from '../../../src/kafka/record-size'

// kafkajs' encoders, as its producer uses them (not part of its typed API)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: {
  offsetDelta?: number
  timestampDelta?: number
  key: Buffer
  value: Buffer | null
  headers?: Record<string, string>
}) => { buffer: Buffer }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (b: { records: { buffer: Buffer }[]; transactional?: boolean }) => Promise<{ buffer: Buffer }>
}

const rec = (topic: string, bytes: number, key = 'k'): OutgoingRecord => ({
  topic,
  key: Buffer.from(key),
  value: Buffer.alloc(bytes, 'x'),
  headers: { __op: 'r', __snapshot: 'true' },
  timestamp: 1_767_000_000_000,
})

const arbitraryRecord = fc.record({
  key: fc.uint8Array({ maxLength: 300 }),
  value: fc.option(fc.uint8Array({ maxLength: 20_000 }), { nil: null }),
  headers: fc.dictionary(fc.string({ maxLength: 40 }), fc.string({ maxLength: 300 }), { maxKeys: 6 }),
  offsetDelta: fc.integer({ min: 0, max: 100_000 }),
  timestampDelta: fc.integer({ min: 0, max: 2 ** 40 }),
})

describe('kafka > record size', () => {
  it('is never less than what kafkajs writes for the record, and at most 15 bytes more', () => {
    fc.assert(
      fc.property(arbitraryRecord, (r) => {
        const key = Buffer.from(r.key)
        const value = r.value === null ? null : Buffer.from(r.value)
        const actual = Record({ ...r, key, value }).buffer.length
        const estimate = recordBytes({ topic: 't', key, value, headers: r.headers })
        expect(estimate).toBeGreaterThanOrEqual(actual)
        expect(estimate - actual).toBeLessThanOrEqual(15)
      }),
    )
  })

  it('a batch is its records plus 61 bytes, as the broker measures it', async () => {
    const records = [rec('t', 10), rec('t', 5_000), { ...rec('t', 0), value: null }]
    const batch = await RecordBatch({
      transactional: true,
      records: records.map((r, i) => Record({ ...r, offsetDelta: i })),
    })
    const estimate = BATCH_OVERHEAD_BYTES + records.reduce((n, r) => n + recordBytes(r), 0)
    expect(estimate).toBeGreaterThanOrEqual(batch.buffer.length)
    expect(estimate - batch.buffer.length).toBeLessThanOrEqual(3 * 15)
  })

  it('a record fits a topic alone when it and the batch header stay within max.message.bytes', () => {
    const fits = (n: number) => fitsAlone(rec('t', n), DEFAULT_MAX_MESSAGE_BYTES)
    let [low, high] = [0, DEFAULT_MAX_MESSAGE_BYTES]
    while (low < high) {
      const mid = Math.ceil((low + high) / 2)
      if (fits(mid)) low = mid
      else high = mid - 1
    }
    expect(fits(low) && !fits(low + 1)).toBe(true)
    // what the record needs besides its value (key, headers, lengths) is tens of bytes, not more
    expect(DEFAULT_MAX_MESSAGE_BYTES - BATCH_OVERHEAD_BYTES - low).toBeLessThan(60)
  })

  it('cuts a transaction into sends of at most the budget per topic, in order', () => {
    // 15,000 report rows of ~400 bytes and their state records: ~6 MB, as one 5,000-employee report
    const records = Array.from({ length: 15_000 }, (_, i) => [
      rec('p.custom_reports', 400, `row${i}`),
      rec('p._state', 100, `known/custom_reports/${i}`),
    ]).flat()
    const chunks = chunkByBytes(records, () => DEFAULT_BATCH_BUDGET_BYTES)
    expect(chunks.length).toBeGreaterThan(10)
    expect(chunks.flat()).toEqual(records)
    for (const chunk of chunks)
      for (const topic of ['p.custom_reports', 'p._state']) {
        const bytes = chunk.filter((r) => r.topic === topic).reduce((n, r) => n + recordBytes(r), 0)
        expect(BATCH_OVERHEAD_BYTES + bytes).toBeLessThanOrEqual(DEFAULT_BATCH_BUDGET_BYTES)
      }
  })

  it("follows each topic's own budget", () => {
    const records = Array.from({ length: 100 }, (_, i) => rec(i % 2 === 0 ? 'small' : 'large', 1_000))
    const chunks = chunkByBytes(records, (t) => (t === 'small' ? 10_000 : 1_000_000))
    expect(chunks).toHaveLength(6) // 50 records of ~1 KB for `small`: 9 per send
    expect(chunks.flat()).toEqual(records)
  })

  it('sends a record larger than the budget alone for its topic, and nothing is lost', () => {
    const records = [rec('t', 10), rec('t', 700_000), rec('t', 10), rec('u', 10)]
    const chunks = chunkByBytes(records, () => DEFAULT_BATCH_BUDGET_BYTES)
    expect(chunks.map((c) => c.map((r) => `${r.topic}:${r.value?.length}`))).toEqual([
      ['t:10'],
      ['t:700000'],
      ['t:10', 'u:10'],
    ])
  })

  it('an empty transaction sends nothing', () => {
    expect(chunkByBytes([], () => DEFAULT_BATCH_BUDGET_BYTES)).toEqual([])
  })

  it("the budget is the default, or the topic's max.message.bytes when smaller", () => {
    expect(batchBudget(DEFAULT_MAX_MESSAGE_BYTES)).toBe(DEFAULT_BATCH_BUDGET_BYTES)
    expect(batchBudget(100_000)).toBe(100_000)
  })
})
