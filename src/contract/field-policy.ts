// Field control for HR data: per resource, fields left out of the topic (drop) or replaced by a
// keyed hash (HMAC-SHA256, lower-case hex), applied to the value schema AND to every record before
// fingerprinting and encoding, so a dropped salary never reaches Kafka, a fingerprint, or a DLQ
// built from records. Hex rather than base64url: every warehouse can compute it (Postgres
// `encode(hmac(v, key, 'sha256'), 'hex')`), so hashed columns stay joinable downstream.
import { createHmac } from 'node:crypto'
import type { Config, FieldPolicyConfig } from '../config'
import { ConfigError } from '../errors'
import { resources as allResources, type RecordValue, type Resource } from '../resources'
import type { WatchedField } from '../resources/resource'
import { employees } from '../resources/employees'
import { canonicalJson } from '../resources/fields/canonical-json'
import { ATTRIBUTE_PROPERTY } from './employee-schema'
import { isMetadataField, type AvroField, type AvroRecordSchema } from './schema-builder'

export const HASHED_PROPERTY = 'personio.hashed'
export const HASH_ALGORITHM = 'hmac-sha256-hex'

/** What the capture engine calls once per resource, with the value schema it is about to register. */
export interface AppliedFieldPolicy {
  /** the value schema as published: dropped fields gone, hashed fields ["null","string"] */
  schema: AvroRecordSchema
  /** a copy of the record as published: dropped fields gone, hashed fields replaced */
  record(record: RecordValue): RecordValue
  /**
   * The raw Personio item of a dead letter with every property named by the policy removed at any
   * depth (v1 employees key attributes by the same names, custom attributes by `dynamic_<n>`):
   * an item that failed mapping must not carry the salary the policy withholds into the DLQ.
   */
  raw(item: unknown): unknown
}

export interface FieldPolicy {
  apply(resource: Pick<Resource, 'name'>, schema: AvroRecordSchema): AppliedFieldPolicy
}

type Rules = { drop: readonly string[]; hash: readonly string[] }

// Resources whose value schema grows at run time (employee custom attributes, employee-schema.ts):
// a name that is not a static field may be a custom attribute, checked once the schema is built.
const openResources: ReadonlySet<string> = new Set([employees.name])

const where = (resource: string, field: string) => `FIELD_POLICY (fields.policy): ${resource}.${field}`

function staticProblems(name: string, rules: Rules, resource: Resource): string[] {
  const problems: string[] = []
  const fields = new Set(resource.fields.map((f) => f.name))
  for (const field of [...rules.drop, ...rules.hash]) {
    if (isMetadataField(field))
      problems.push(`${where(name, field)}: metadata fields cannot be dropped or hashed`)
    else if (resource.key.includes(field))
      problems.push(
        `${where(name, field)}: part of the key of ${name}; keys can be neither dropped nor hashed (compaction, partitioning and deletes depend on them)`,
      )
    else if (field === resource.changedAtField)
      problems.push(
        `${where(name, field)}: ${name}'s change timestamp; the cursor needs it, so it cannot be dropped or hashed`,
      )
    else if (!fields.has(field) && !openResources.has(name))
      problems.push(`${where(name, field)}: ${name} has no such field (fields: ${[...fields].join(', ')})`)
  }
  for (const field of rules.drop.filter((f) => rules.hash.includes(f)))
    problems.push(`${where(name, field)}: both dropped and hashed; choose one`)
  return problems
}

const fieldName = (w: WatchedField) => (typeof w === 'string' ? w : w.field)

/**
 * What other resources need of `name`'s fields, by declaration: fields a stage names as moving its
 * rows (an employee's termination_date moves balances), and fields records are found by (a stage's
 * parent reference, a cascade's `removedWith`: an absence's employee_id).
 */
function neededFields(name: string, known: Readonly<Record<string, Resource>>) {
  const watched = new Map<string, string>()
  const findsBy = new Map<string, string>()
  for (const r of Object.values(known)) {
    const slot = r.stage
    for (const w of r.removedWith ?? [])
      if (r.name === name)
        findsBy.set(w.field, `a deleted ${w.resource} record takes the ${name} records it names along`)
    if (slot === undefined) continue
    if (slot.parent === name) for (const f of slot.parentFields ?? []) watched.set(fieldName(f), r.name)
    for (const w of [...(slot.touchedBy ?? []), ...(slot.refreshAllOn ?? [])])
      if (w.resource === name) for (const f of w.fields ?? []) watched.set(fieldName(f), r.name)
    for (const t of slot.touchedBy ?? [])
      if (t.resource === name && t.field !== undefined && !findsBy.has(t.field))
        findsBy.set(t.field, `${r.name} reads it to know whose rows a change touches`)
  }
  return { watched, findsBy }
}

/**
 * A policy must not blind capture: a dropped field no longer changes a fingerprint, so a stage that
 * watches it never hears of its changes (a hashed one still changes whenever the value does); and a
 * field records are found by must stay as Personio sends it. Refused at start-up rather than worked
 * around: publishing an update whose visible value did not change, only to wake a stage, would
 * puzzle every consumer.
 */
function neededProblems(name: string, rules: Rules, known: Readonly<Record<string, Resource>>): string[] {
  const { watched, findsBy } = neededFields(name, known)
  const problems: string[] = []
  for (const field of [...rules.drop, ...rules.hash]) {
    const why = findsBy.get(field)
    if (why !== undefined)
      problems.push(`${where(name, field)}: ${why}; it can be neither dropped nor hashed`)
  }
  for (const field of rules.drop) {
    const stage = watched.get(field)
    if (stage !== undefined && !findsBy.has(field))
      problems.push(
        `${where(name, field)}: ${stage} is read again when it changes; dropped, those changes would go unnoticed. Hash it instead (a keyed hash changes whenever the value does)`,
      )
  }
  return problems
}

/** The text a hashed value is computed over: what the unhashed field would have carried. */
function hashInput(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  return canonicalJson(value)
}

export function hmacHex(key: string, value: unknown): string {
  return createHmac('sha256', key).update(hashInput(value), 'utf8').digest('hex')
}

const identity = <T>(r: T): T => r

function scrub(value: unknown, names: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => scrub(v, names))
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !names.has(k))
      .map(([k, v]) => [k, scrub(v, names)]),
  )
}

/**
 * Checks the whole policy at once (every problem in one ConfigError) and returns what the capture
 * engine applies per resource. `key` is the HMAC key; required as soon as any field is hashed.
 */
export function compileFieldPolicy(
  policy: FieldPolicyConfig,
  key: string | undefined,
  known: Readonly<Record<string, Resource>> = allResources,
): FieldPolicy {
  const problems: string[] = []
  const rules = new Map<string, Rules>()
  for (const [name, given] of Object.entries(policy)) {
    const resource = known[name]
    if (resource === undefined) {
      problems.push(
        `FIELD_POLICY (fields.policy): unknown resource ${name} (resources: ${Object.keys(known).join(', ')})`,
      )
      continue
    }
    const r: Rules = { drop: given.drop ?? [], hash: given.hash ?? [] }
    problems.push(...staticProblems(name, r, resource), ...neededProblems(name, r, known))
    if (r.drop.length + r.hash.length > 0) rules.set(name, r)
  }
  const hashing = [...rules].filter(([, r]) => r.hash.length > 0).map(([name]) => name)
  if (hashing.length > 0 && (key === undefined || key.length < 16))
    problems.push(
      `FIELD_HASH_KEY or FIELD_HASH_KEY_FILE: a key of at least 16 characters is required, as ${hashing.join(', ')} hash fields`,
    )
  if (problems.length > 0) throw new ConfigError(problems)

  return {
    apply(resource, schema) {
      const r = rules.get(resource.name)
      if (r === undefined) return { schema, record: identity, raw: identity }
      return bind(resource.name, r, schema, key as string)
    },
  }
}

/** Resolves policy names against the actual schema: a field name, or a custom attribute's key. */
function bind(name: string, rules: Rules, schema: AvroRecordSchema, key: string): AppliedFieldPolicy {
  const byName = new Map<string, AvroField>(schema.fields.map((f) => [f.name, f]))
  const problems: string[] = []
  const resolve = (wanted: string): string | undefined => {
    const field = byName.get(wanted) ?? schema.fields.find((f) => f[ATTRIBUTE_PROPERTY] === wanted)
    if (field === undefined) {
      const custom = schema.fields.filter((f) => typeof f[ATTRIBUTE_PROPERTY] === 'string')
      const hint =
        custom.length === 0
          ? ''
          : ` (custom attributes this credential reads: ${custom.map((f) => `${f.name} = ${String(f[ATTRIBUTE_PROPERTY])}`).join(', ')})`
      problems.push(`${where(name, wanted)}: ${name} has no such field${hint}`)
    }
    return field?.name
  }
  const drop = new Set(rules.drop.map(resolve).filter((n): n is string => n !== undefined))
  const hash = new Set(rules.hash.map(resolve).filter((n): n is string => n !== undefined))
  if (problems.length > 0) throw new ConfigError(problems)

  const fields = schema.fields
    .filter((f) => !drop.has(f.name))
    .map((f): AvroField =>
      hash.has(f.name)
        ? {
            ...f,
            type: ['null', 'string'],
            default: null,
            doc: `HMAC-SHA256 (keyed, lower-case hex) of: ${f.doc ?? f.name}`,
            [HASHED_PROPERTY]: HASH_ALGORITHM,
          }
        : f,
    )
  const rawNames = new Set([...rules.drop, ...rules.hash, ...drop, ...hash])
  for (const f of schema.fields)
    if ((drop.has(f.name) || hash.has(f.name)) && typeof f[ATTRIBUTE_PROPERTY] === 'string')
      rawNames.add(f[ATTRIBUTE_PROPERTY])
  const withheld = drop.size === 0 ? '' : ` Withheld by field policy: ${[...drop].join(', ')}.`
  return {
    schema: { ...schema, doc: `${schema.doc ?? ''}${withheld}`.trim(), fields },
    record(record) {
      const out: RecordValue = {}
      for (const [field, value] of Object.entries(record)) {
        if (drop.has(field)) continue
        out[field] = hash.has(field) && value !== null && value !== undefined ? hmacHex(key, value) : value
      }
      return out
    },
    raw: (item) => scrub(item, rawNames),
  }
}

/** The policy of a loaded Config (FIELD_HASH_KEY, or FIELD_HASH_KEY_FILE through config/env-files). */
export function fieldPolicyFromConfig(fields: Config['fields']): FieldPolicy {
  return compileFieldPolicy(fields.policy, fields.hashKey)
}

/** No rules: every resource published as declared. */
export const noFieldPolicy: FieldPolicy = compileFieldPolicy({}, undefined)
