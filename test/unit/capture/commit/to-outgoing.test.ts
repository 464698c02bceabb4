// Change events → Kafka records: a record larger than its topic accepts (max.message.bytes) can
// never be published, so it becomes a dead letter with its key while the rest of the page goes on
// (issue #17: one oversized row must not abort, and so block, the whole transaction).
import type { ResourceCodec } from '../../../../src/contract/serde'
import { RecordTooLargeError } from '../../../../src/errors'
import type { ChangeEvent } from '../../../../src/capture/rules/change-event'
import { toOutgoing } from '../../../../src/capture/commit/to-outgoing'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../../src/kafka/record-size'

// Stands in for the Avro codec: the value is the record's `text` field, as bytes.
const codec: ResourceCodec = {
  keyFormat: 'avro',
  valueSchemaId: 1,
  encodeKey: (key) => Buffer.from(JSON.stringify(key)),
  encodeValue: (record) => Buffer.from(String(record.text)),
}

const event = (id: number, bytes: number): ChangeEvent => ({
  resource: 'custom_reports',
  key: { report_id: 'r1', employee_id: id, effective_date: '' },
  op: 'r',
  record: { report_id: 'r1', employee_id: id, effective_date: '', text: 'x'.repeat(bytes) },
  snapshot: true,
})

describe('capture > to outgoing', () => {
  it('a record larger than the topic accepts is a dead letter with its key; the others are records', () => {
    const events = [event(1, 100), event(2, DEFAULT_MAX_MESSAGE_BYTES), event(3, 900_000)]
    const out = toOutgoing('p.custom_reports', codec, events, 0, 'tombstone')
    expect(out.records.map((r) => JSON.parse(r.key.toString()) as unknown)).toEqual([
      events[0]?.key,
      events[2]?.key,
    ])
    expect(out.deadLetters).toHaveLength(1)
    const [letter] = out.deadLetters
    expect(letter?.key).toBe('["r1",2,""]')
    expect(letter?.stage).toBe('encode')
    expect(letter?.raw).toBe(events[1]?.record)
    expect(letter?.error).toBeInstanceOf(RecordTooLargeError)
    expect(letter?.error.message).toMatch(
      /more than p\.custom_reports accepts \(max\.message\.bytes 1048588\)/,
    )
  })

  it("follows the topic's own max.message.bytes", () => {
    const out = toOutgoing('p.custom_reports', codec, [event(1, 100), event(2, 2_000)], 0, 'tombstone', 1_000)
    expect(out.records).toHaveLength(1)
    expect(out.deadLetters.map((l) => l.key)).toEqual(['["r1",2,""]'])
  })

  it('names the stages an update left alone in a pk.quiet header, and only then', () => {
    const quiet = { ...event(1, 10), op: 'u' as const, quiet: ['employees_absences_balance', 'x'] }
    const [withQuiet] = toOutgoing('p.e', codec, [quiet], 0).records
    expect(withQuiet?.headers?.['pk.quiet']).toBe('employees_absences_balance,x')
    const [plain] = toOutgoing('p.e', codec, [{ ...event(2, 10), op: 'u' }], 0).records
    expect(plain?.headers?.['pk.quiet']).toBeUndefined()
  })
})
