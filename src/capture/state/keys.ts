// How a published record is known between transactions: its key as text, and what is kept beside
// it (fingerprint, the fields a stage follows, a last image). A leaf: the pure rules, the state
// and the sources all speak of keys, and none of them needs the others for it.
import type { Fingerprint } from '../../contract/fingerprint'
import type { RecordValue } from '../../resources/resource'

/** The key's values as JSON, in key-schema order: `[4711]`, `[4711,113]`. */
export type KeyText = string

export interface Known {
  f: Fingerprint
  /** values of fields a stage follows when the record is deleted (absences → employee_id) */
  r?: Record<string, string | number | null>
  /** the last image, kept only for the `rewrite` delete modes */
  i?: RecordValue
  /** per stage watching some of this resource's fields, a hash of their values (capture/rules/watch.ts) */
  w?: Record<string, string>
}

export const keyText = (fields: readonly string[], key: RecordValue): KeyText =>
  JSON.stringify(fields.map((f) => key[f] ?? null))

export const keyValues = (text: KeyText): unknown[] => JSON.parse(text) as unknown[]
