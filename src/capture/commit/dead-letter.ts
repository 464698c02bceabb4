// A dead letter as a Kafka record on <prefix>._dlq: the raw Personio item as JSON, with headers
// that say where and why (resource, stage, error code, message, invalid paths). The record key is
// `<resource>:<key values as JSON>` (`employees:[4711]`, `employees_absences_balance:[4711,113]`),
// or `<resource>:unknown` when the item's key itself could not be read — the same in every stage.
// A letter larger than the dead-letter topic accepts (the record it stands for was too large) keeps
// its key and headers and the head of its value, with `pk.value.truncated` saying how long it was.
import { MappingError, ContractError, PkError } from '../../errors'
import type { OutgoingRecord } from '../../kafka/port'
import {
  BATCH_OVERHEAD_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  fitsAlone,
  recordBytes,
} from '../../kafka/record-size'
import type { DeadLetter } from '../rules/change-event'

/** invalid paths named in a letter's headers; the count of the rest follows them */
const MAX_PATHS = 50

export function deadLetterRecord(
  topic: string,
  letter: DeadLetter,
  at: number,
  /** the dead-letter topic's max.message.bytes */
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
): OutgoingRecord {
  const record = letterRecord(topic, letter, at)
  if (record.value === null || fitsAlone(record, maxMessageBytes)) return record
  const headers = { ...record.headers, 'pk.value.truncated': String(record.value.length) }
  // the value's length prefix may shrink with it: counting its full size keeps the bound safe
  const room = maxMessageBytes - BATCH_OVERHEAD_BYTES - recordBytes({ ...record, headers })
  return { ...record, headers, value: record.value.subarray(0, Math.max(0, record.value.length + room)) }
}

function letterRecord(topic: string, letter: DeadLetter, at: number): OutgoingRecord {
  const paths =
    letter.error instanceof MappingError
      ? letter.error.paths.map((p) => `${p.path}: ${p.message}`)
      : letter.error instanceof ContractError
        ? [...letter.error.paths]
        : []
  return {
    topic,
    key: Buffer.from(`${letter.resource}:${letter.key ?? 'unknown'}`),
    value: Buffer.from(JSON.stringify(letter.raw) ?? 'null'),
    timestamp: at,
    headers: {
      'pk.resource': letter.resource,
      'pk.stage': letter.stage,
      'pk.error.code': letter.error instanceof PkError ? letter.error.code : 'UNKNOWN',
      'pk.error.message': letter.error.message.slice(0, 2000),
      // bounded like the message: a row with thousands of bad cells must still fit the topic
      'pk.error.paths': JSON.stringify(
        paths.length > MAX_PATHS
          ? [...paths.slice(0, MAX_PATHS), `… ${paths.length - MAX_PATHS} more`]
          : paths,
      ).slice(0, 8_000),
    },
  }
}
