// A stable hash of a record's resource fields, used to decide whether a re-read record changed.
// Metadata (`__*`) never counts as a change, and field order in Personio's JSON never matters.
// A null field hashes as if it were missing: a field added to a resource (a new custom attribute)
// that is null says nothing new to a consumer reading with the new schema, so fingerprints stay
// stable across schema growth and only the records that carry a value are published.
//
// The text hashed is the canonical JSON of the non-null fields (keys sorted at every level).
// Releases before 2026-12 hashed the nulls too: `legacyFingerprint` recognises those, so a state
// topic written by them is taken over without publishing anything again (capture/rules/diff.ts).
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
  return (record) => fingerprintOf(record, sortedFieldsOf(record), false)
}

/** One record's fingerprint, with no cache (tests, one-off callers). */
export function fingerprint(record: RecordValue): Fingerprint {
  return fingerprintOf(record, sortedFields(record), false)
}

/** The fingerprint releases before 2026-12 stored: null fields hashed too. */
export function legacyFingerprint(record: RecordValue): Fingerprint {
  return fingerprintOf(record, sortedFields(record), true)
}

const sortedFields = (record: RecordValue): string[] =>
  Object.keys(record)
    .filter((name) => !name.startsWith('__'))
    .sort()

function fingerprintOf(record: RecordValue, fields: readonly string[], withNulls: boolean): Fingerprint {
  const sorted: Record<string, unknown> = {}
  for (const name of fields) {
    const value = record[name]
    if (value === null || value === undefined) {
      if (withNulls) sorted[name] = value
      continue
    }
    sorted[name] = typeof value === 'object' ? sortKeys(value) : value
  }
  return hash('sha256', JSON.stringify(sorted), 'base64url')
}
