// Change events → Kafka records with their Debezium-style headers. A delete becomes a tombstone,
// the last image with __deleted=true, or both (DELETE_MODE). A record that cannot be encoded
// becomes a dead letter rather than stopping its page or vanishing; so does one larger than its
// topic accepts (max.message.bytes), which no retry could ever publish.
import type { DeleteMode } from '../../config'
import { ContractError, RecordTooLargeError } from '../../errors'
import {
  BATCH_OVERHEAD_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  fitsAlone,
  recordBytes,
} from '../../kafka/record-size'
import type { ResourceCodec } from '../../contract/serde'
import type { OutgoingRecord } from '../../kafka/port'
import type { ChangeEvent, DeadLetter } from '../rules/change-event'

export interface Encoded {
  records: OutgoingRecord[]
  deadLetters: DeadLetter[]
}

function headersOf(event: ChangeEvent): Record<string, string> {
  const headers: Record<string, string> = { __op: event.op, __snapshot: String(event.snapshot) }
  if (event.sourceTsMs !== undefined) headers.__source_ts_ms = String(event.sourceTsMs)
  for (const [field, value] of Object.entries(event.refs ?? {}))
    if (value !== null) headers[`pk.ref.${field}`] = String(value)
  if (event.quiet !== undefined && event.quiet.length > 0) headers['pk.quiet'] = event.quiet.join(',')
  return headers
}

function encodeOne(
  topic: string,
  codec: ResourceCodec,
  event: ChangeEvent,
  at: number,
  deleteMode: DeleteMode,
): OutgoingRecord[] {
  const headers = headersOf(event)
  const key = codec.encodeKey(event.key)
  if (event.op !== 'd') {
    const deleted = deleteMode === 'tombstone' ? undefined : false
    const meta = { op: event.op, sourceTsMs: event.sourceTsMs, snapshot: event.snapshot, deleted }
    return [{ topic, key, value: codec.encodeValue(event.record ?? event.key, meta), headers, timestamp: at }]
  }
  const out: OutgoingRecord[] = []
  // Rewrite needs the last image; without one (it was never kept) a tombstone still says "gone".
  const image = deleteMode === 'tombstone' ? null : event.record
  if (image !== null) {
    const meta = { op: 'd' as const, snapshot: false, deleted: true }
    out.push({ topic, key, value: codec.encodeValue(image, meta), headers, timestamp: at })
  }
  if (deleteMode !== 'rewrite' || image === null)
    out.push({ topic, key, value: null, headers, timestamp: at })
  return out
}

export function toOutgoing(
  topic: string,
  codec: ResourceCodec,
  events: readonly ChangeEvent[],
  at: number,
  deleteMode: DeleteMode = 'tombstone',
  /** the topic's max.message.bytes */
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
): Encoded {
  const records: OutgoingRecord[] = []
  const deadLetters: DeadLetter[] = []
  for (const event of events) {
    try {
      const out = encodeOne(topic, codec, event, at, deleteMode)
      const tooLarge = out.find((r) => !fitsAlone(r, maxMessageBytes))
      if (tooLarge !== undefined)
        throw new RecordTooLargeError(topic, BATCH_OVERHEAD_BYTES + recordBytes(tooLarge), maxMessageBytes, {
          resource: event.resource,
          stage: 'encode',
        })
      records.push(...out)
    } catch (error) {
      if (!(error instanceof ContractError || error instanceof RecordTooLargeError)) throw error
      deadLetters.push({
        resource: event.resource,
        stage: 'encode',
        key: JSON.stringify(Object.values(event.key)), // the key's values as JSON, as in mapping
        error,
        raw: event.record,
      })
    }
  }
  return { records, deadLetters }
}
