// The unit that flows from capture/ into kafka/: one change to one record of one resource.
// Debezium's op codes: c create, u update, r snapshot read, d delete.
import type { RecordValue } from '../../resources/resource'

export type Op = 'c' | 'u' | 'r' | 'd'

export interface ChangeEvent {
  resource: string
  key: RecordValue
  op: Op
  /** the record's image; for a delete, the last known image (rewrite mode needs it) or null */
  record: RecordValue | null
  /** Personio's change timestamp of the record, when it has one */
  sourceTsMs?: number
  snapshot: boolean
  /** referenced parents a stage follows (published as `pk.ref.<field>` headers) */
  refs?: Record<string, string | number | null>
  /** stages whose watched fields this update left as they were (published as `pk.quiet`) */
  quiet?: string[]
}

/** A Personio item that could not become a record: it goes to the dead-letter topic instead. */
export interface DeadLetter {
  resource: string
  stage: 'map' | 'encode'
  /** the key when it could be read, for the DLQ record key */
  key?: string
  error: Error
  raw: unknown
}
