// A stable hash of a record's resource fields, used to decide whether a re-read record changed.
// Metadata (`__*`) never counts as a change, and field order in Personio's JSON never matters.
// null and a missing field hash differently; mapped records always carry every field, so that
// difference only shows when a field is added to a resource (which is a change worth emitting).
import { createHash } from 'node:crypto'
import { canonicalJson } from '../resources/fields/canonical-json'
import type { RecordValue } from '../resources/resource'

export type Fingerprint = string

export function fingerprint(record: RecordValue): Fingerprint {
  const fields = Object.fromEntries(Object.entries(record).filter(([name]) => !name.startsWith('__')))
  return createHash('sha256').update(canonicalJson(fields)).digest('base64url')
}
