// The one shape every resource fills (Debezium's slots folded into one object): where it lives in
// Personio, its key, how changes and deletes are detected, and its fields. A resource says *what*;
// capture/ decides *when*.
import { MappingError } from '../errors'
import type { FieldSpec, FieldValue } from './fields/field'
import { Reader } from './fields/reader'

export type ResourceName =
  | 'employees'
  | 'absences'
  | 'absence_periods'
  | 'absence_types'
  | 'attendances'
  | 'projects'
  | 'document_categories'
  | 'employees_absences_balance'
  | 'custom_reports_list'
  | 'custom_reports'

export type RecordValue = Record<string, unknown>
/** What a mapping returns: every field typed by its kind (string, number, boolean or null). */
export type MappedRecord = Record<string, FieldValue>

/** What a stage knows about an item's parent (balances: the employee; report rows: the report). */
export interface MappingContext {
  employeeId?: number
  reportId?: string
  /** employees: extra fields for the custom attributes this credential may read */
  extraFields?: readonly FieldSpec[]
}

export interface ResourceSource {
  api: 'v1' | 'v2'
  path: string
  paging: 'record-offset' | 'page-offset' | 'cursor' | 'none' | 'report-pages'
  maxLimit?: number
}

export interface ResourceDefinition<Raw = unknown> {
  name: ResourceName
  /** one line on what the resource is, for docs and schema `doc` */
  doc: string
  source: ResourceSource
  /** record fields forming the key, in key-schema order */
  key: readonly string[]
  detect: 'incremental' | 'snapshot-fingerprint' | 'stage'
  /** record field holding Personio's change timestamp (ms), when there is one */
  changedAtField?: string
  deletes: 'reconciliation-scan' | 'snapshot-diff' | 'stage'
  fields: readonly FieldSpec<Raw>[]
}

export interface Resource<Raw = unknown> extends ResourceDefinition<Raw> {
  /** Personio item → flat record; throws MappingError listing every invalid path, never half a record. */
  toRecord(raw: unknown, context?: MappingContext): MappedRecord
}

export function defineResource<Raw>(definition: ResourceDefinition<Raw>): Resource<Raw> {
  const missing = definition.key.filter((k) => !definition.fields.some((f) => f.name === k))
  if (missing.length > 0)
    throw new Error(`resource ${definition.name}: key fields ${missing.join(', ')} are not fields`)
  return {
    ...definition,
    toRecord(raw, context) {
      const reader = new Reader(raw)
      const record: MappedRecord = {}
      const fields = [...definition.fields, ...((context?.extraFields ?? []) as FieldSpec<Raw>[])]
      try {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
          reader.problem([], 'item must be a JSON object', raw)
        } else {
          for (const field of fields) record[field.name] = field.read(reader, raw as Raw)
          for (const k of definition.key) {
            if (record[k] === null || record[k] === undefined)
              reader.problem([k], 'key field is missing', record[k])
          }
        }
      } catch (error) {
        // A mapping must never throw anything but MappingError; an unexpected shape is still bad input.
        reader.problem([], `unexpected item shape (${(error as Error).message})`, undefined)
      }
      if (reader.problems.length > 0) {
        const known = definition.key.map((k) => record[k])
        const keyText = known.every((v) => v !== null && v !== undefined) ? known.join('/') : undefined
        throw new MappingError(definition.name, keyText, reader.problems)
      }
      return record
    },
  }
}

export function keyOf(resource: Pick<ResourceDefinition, 'key'>, record: RecordValue): RecordValue {
  return Object.fromEntries(resource.key.map((k) => [k, record[k]]))
}
