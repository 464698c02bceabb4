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

/**
 * How Personio wants the lower bound of its "changed since" filter spelled: a date-time without a
 * zone, a plain date (both read in a zone Personio does not name), or UTC with a `Z`.
 */
export type InstantFormat = 'naive-date-time' | 'plain-date' | 'utc-seconds'

export interface ResourceSource {
  api: 'v1' | 'v2'
  /** v1 paths are relative to /v1; a `{placeholder}` is filled from the parent record (stages) */
  path: string
  paging: 'record-offset' | 'page-offset' | 'cursor' | 'none' | 'page-param'
  maxLimit?: number
  /** the server-side change filter of incremental resources: inclusive lower bound */
  changedSince?: { param: string; format: InstantFormat }
  /**
   * Turns one item of a response into the raw items this resource maps (default: itself).
   * Balances add the employee id from the request; report pages fan out into rows.
   */
  items?: (item: unknown, parentId: string | number | undefined) => unknown[]
}

/**
 * A field a stage watches. A JSON-array field may name keys of its items that do not count (an
 * employee's absence entitlement repeats each type's name, which no balance depends on).
 */
export type WatchedField = string | { field: string; ignoring: readonly string[] }

/**
 * Which changes of a resource a stage cares about: `fields` are the fields whose change can change
 * the stage's rows; a create or a delete always counts. Every field counts when left out.
 */
export interface Watch {
  resource: ResourceName
  fields?: readonly WatchedField[]
}

/**
 * A delete of `resource` key X removes this resource's records whose `field` is X: a stage's rows
 * of a gone absence type, or a person's absences (Personio deletes them with the person and sends
 * no event for them).
 */
export interface RemovedWith {
  resource: ResourceName
  field: string
}

/** Another resource whose events touch some parents of a stage. */
export type StageTouch = Watch &
  (
    | /** the event names the parent in one of its fields (absences → employee_id) */
      { field: string; rows?: undefined }
      /** the parents whose rows hold the event's key in this row field (an employee's report rows) */
    | { rows: string; field?: undefined }
  )

/**
 * A resource read per parent record, fed by the parent's change events (Debezium would call it a
 * derived stream): balances per employee, report rows per report. The slot says which changes
 * touch which parents, so a change costs the reads it can affect and no more.
 */
export interface StageSlot {
  /** the resource whose events feed the stage; its key field `parentKey` fills the path */
  parent: ResourceName
  parentKey: string
  /** the field of this resource's key that holds the parent id */
  scopeField: string
  /** the parent's fields whose change re-reads that parent's rows (every field when left out) */
  parentFields?: readonly WatchedField[]
  /** other resources whose events touch some parents */
  touchedBy?: readonly StageTouch[]
  /** a delete of `resource` key X removes this resource's rows whose `field` is X (a type gone) */
  removedWith?: readonly RemovedWith[]
  /**
   * resources whose changes touch every parent's rows (a new absence type, or one whose unit
   * changed, changes every balance): such an event re-reads all known parents
   */
  refreshAllOn?: readonly Watch[]
  /** read a parent's rows only when its record says they are ready (reports being recomputed) */
  ready?: (parent: RecordValue) => boolean
}

/**
 * How the entity behind a webhook event is read (events are dataless: ids only, §7.8). A 404
 * proves it gone only together with a `*.deleted` event for it; otherwise the listing decides.
 */
export type WebhookSlot =
  /**
   * the event's id is this resource's key: the record is read by id (`{id}` in the path); with
   * `personIdFirst`, an event naming a person (`payload.person_id`, employments) reads that person
   */
  | { read: 'by-id'; path: string; personIdFirst?: boolean }
  /**
   * The event's id is a v2 id this resource keeps in `idField` (v1 time-offs carry `id_v2`). A
   * record published before is read by its own key (`path`); a new one is found through the v2
   * entity (`lookup`), which names the person at `personAt`, whose records are listed with the
   * `personFilter` array parameter.
   */
  | {
      read: 'by-v2-id'
      idField: string
      path: string
      lookup: string
      personAt: readonly string[]
      personFilter: string
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
  /**
   * Personio's webhook events that announce a change of this resource (personio-api.md §7.8),
   * subscribed by `webhooks register`; none where Personio sends none. Dataless: ids only.
   */
  webhookEvents?: readonly string[]
  /** how capture reads the entity a webhook event names (left out: the resource keeps polling) */
  webhook?: WebhookSlot
  /** stage resources only */
  stage?: StageSlot
  /**
   * Top-level resources: records that go with a deleted record of another resource (a person's
   * absences). Capture tombstones them in the transaction that publishes that delete, found by the
   * `field` value it remembers per key; a record moved to another X first is not removed.
   */
  removedWith?: readonly RemovedWith[]
  /**
   * The value schema grows with the custom attributes this v1 endpoint lists for the credential
   * (employees: `dynamic_<n>` fields), checked and registered before the first record using them.
   */
  customAttributes?: { path: string }
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
  // The slots must agree with each other: the coordinator trusts them without asking the name.
  if ((definition.detect === 'stage') !== (definition.stage !== undefined))
    throw new Error(`resource ${definition.name}: detect 'stage' and a stage slot go together`)
  if (definition.stage !== undefined && definition.removedWith !== undefined)
    throw new Error(`resource ${definition.name}: a stage declares removedWith in its stage slot`)
  for (const r of definition.removedWith ?? [])
    if (!definition.fields.some((f) => f.name === r.field))
      throw new Error(`resource ${definition.name}: removedWith field ${r.field} is not a field`)
  if (definition.detect === 'incremental' && definition.source.changedSince === undefined)
    throw new Error(`resource ${definition.name}: incremental detection needs source.changedSince`)
  // The field list with a context's extra fields, built once per extra-field list, not per item.
  const withExtras = new WeakMap<readonly FieldSpec[], readonly FieldSpec<Raw>[]>()
  const fieldsFor = (extra: readonly FieldSpec[] | undefined): readonly FieldSpec<Raw>[] => {
    if (extra === undefined || extra.length === 0) return definition.fields
    let all = withExtras.get(extra)
    if (all === undefined)
      withExtras.set(extra, (all = [...definition.fields, ...(extra as FieldSpec<Raw>[])]))
    return all
  }
  return {
    ...definition,
    toRecord(raw, context) {
      const reader = new Reader(raw)
      const record: MappedRecord = {}
      const fields = fieldsFor(context?.extraFields)
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
        // The same key text as the state topic and the dead-letter key: the key's values as JSON.
        const keyText = known.every((v) => v !== null && v !== undefined) ? JSON.stringify(known) : undefined
        throw new MappingError(definition.name, keyText, reader.problems)
      }
      return record
    },
  }
}

export function keyOf(resource: Pick<ResourceDefinition, 'key'>, record: RecordValue): RecordValue {
  return Object.fromEntries(resource.key.map((k) => [k, record[k]]))
}
