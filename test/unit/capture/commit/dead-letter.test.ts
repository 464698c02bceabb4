// A dead letter as a Kafka record. One that stands for a record too large for its topic would be
// too large for the dead-letter topic too: it keeps its key and headers, and the head of its value.
import { deadLetterRecord } from '../../../../src/capture/commit/dead-letter'
import { RecordTooLargeError } from '../../../../src/errors'
import {
  BATCH_OVERHEAD_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  fitsAlone,
  recordBytes,
} from '../../../../src/kafka/record-size'

const letter = (bytes: number) => ({
  resource: 'custom_reports',
  stage: 'encode' as const,
  key: '["r1",2,""]',
  error: new RecordTooLargeError('p.custom_reports', bytes, DEFAULT_MAX_MESSAGE_BYTES),
  raw: { report_id: 'r1', employee_id: 2, cells: 'x'.repeat(bytes) },
})

describe('capture > dead letter', () => {
  it('is the raw item as JSON, keyed by resource and key, with where and why in headers', () => {
    const record = deadLetterRecord('p._dlq', letter(10), 7)
    expect(record.key.toString()).toBe('custom_reports:["r1",2,""]')
    expect(JSON.parse(record.value?.toString() ?? '')).toEqual(letter(10).raw)
    expect(record.headers).toMatchObject({ 'pk.resource': 'custom_reports', 'pk.error.code': 'PK_KAFKA' })
    expect(record.headers?.['pk.value.truncated']).toBeUndefined()
  })

  it('one larger than the dead-letter topic accepts keeps its key and headers and the head of its value', () => {
    const full = Buffer.from(JSON.stringify(letter(3_000_000).raw))
    const record = deadLetterRecord('p._dlq', letter(3_000_000), 7)
    expect(fitsAlone(record, DEFAULT_MAX_MESSAGE_BYTES)).toBe(true)
    // as much of the value as fits: within a few bytes of the limit (length prefixes shrink with it)
    expect(BATCH_OVERHEAD_BYTES + recordBytes(record)).toBeGreaterThan(DEFAULT_MAX_MESSAGE_BYTES - 8)
    expect(record.key.toString()).toBe('custom_reports:["r1",2,""]')
    expect(record.headers?.['pk.value.truncated']).toBe(String(full.length))
    expect(full.subarray(0, record.value?.length).equals(record.value as Buffer)).toBe(true)
    expect(record.headers?.['pk.error.message']).toMatch(/max\.message\.bytes/)
  })

  it("follows the dead-letter topic's own max.message.bytes", () => {
    const record = deadLetterRecord('p._dlq', letter(5_000), 7, 2_000)
    expect(fitsAlone(record, 2_000)).toBe(true)
    expect(record.headers?.['pk.value.truncated']).toBeDefined()
  })
})
