// A stable hash of a record's resource fields, used to decide whether a re-read record changed.
// Metadata (`__*`) never counts as a change, and field order in Personio's JSON never matters.
// null and a missing field hash differently; mapped records always carry every field, so that
// difference only shows when a field is added to a resource (which is a change worth emitting).
//
// The text hashed is the canonical JSON of the fields (keys sorted at every level): fingerprints
// already in a state topic must keep matching, so the value is fixed; only the way to it is fast.
// Every record is fingerprinted on every full listing, changed or not, which made the generic
// canonical-JSON walk a sixth of a first sync's CPU.
import { hash } from 'node:crypto'
import { sortKeys } from '../resources/fields/canonical-json'
import type { RecordValue } from '../resources/resource'

export type Fingerprint = string

// Records of one resource share their key order (mappings build them field by field), so the
// sorted field list is worked out once per shape, not once per record. The cache belongs to its
// owner (the capture engine), never to the module.
export function createFingerprinter(): (record: RecordValue) => Fingerprint {
  let lastKeys: readonly string[] = []
  let lastFields: readonly string[] = []
  const sortedFieldsOf = (record: RecordValue): readonly string[] => {
    const keys = Object.keys(record)
    let same = keys.length === lastKeys.length
    for (let i = 0; same && i < keys.length; i++) same = keys[i] === lastKeys[i]
    if (!same) {
      lastKeys = keys
      lastFields = keys.filter((name) => !name.startsWith('__')).sort()
    }
    return lastFields
  }
  return (record) => fingerprintOf(record, sortedFieldsOf(record))
}

/** One record's fingerprint, with no cache (tests, one-off callers). */
export function fingerprint(record: RecordValue): Fingerprint {
  return fingerprintOf(
    record,
    Object.keys(record)
      .filter((name) => !name.startsWith('__'))
      .sort(),
  )
}

function fingerprintOf(record: RecordValue, fields: readonly string[]): Fingerprint {
  const sorted: Record<string, unknown> = {}
  for (const name of fields) {
    const value = record[name]
    sorted[name] = value !== null && typeof value === 'object' ? sortKeys(value) : value
  }
  return hash('sha256', JSON.stringify(sorted), 'base64url')
}
