// Change events → Kafka records with their Debezium-style headers. A record that cannot be encoded
// becomes a dead letter rather than stopping its page or vanishing.
import { ContractError } from '../errors'
import type { ResourceCodec } from '../contract/serde'
import type { OutgoingRecord } from '../kafka/port'
import type { ChangeEvent, DeadLetter } from './change-event'

export interface Encoded {
  records: OutgoingRecord[]
  deadLetters: DeadLetter[]
}

export function toOutgoing(
  topic: string,
  codec: ResourceCodec,
  events: readonly ChangeEvent[],
  at: number,
): Encoded {
  const records: OutgoingRecord[] = []
  const deadLetters: DeadLetter[] = []
  for (const event of events) {
    if (event.record === null) continue // tombstones come from the diff stage, not from snapshots
    try {
      const headers: Record<string, string> = { __op: event.op, __snapshot: String(event.snapshot) }
      if (event.sourceTsMs !== undefined) headers.__source_ts_ms = String(event.sourceTsMs)
      records.push({
        topic,
        key: codec.encodeKey(event.record),
        value: codec.encodeValue(event.record, {
          op: event.op,
          sourceTsMs: event.sourceTsMs,
          snapshot: event.snapshot,
        }),
        headers,
        timestamp: at,
      })
    } catch (error) {
      if (!(error instanceof ContractError)) throw error
      deadLetters.push({
        resource: event.resource,
        stage: 'encode',
        key: JSON.stringify(event.key),
        error,
        raw: event.record,
      })
    }
  }
  return { records, deadLetters }
}
