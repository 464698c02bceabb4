// Which employee attributes an edit changed, and when each attribute last changed. Personio keeps
// this per attribute: `attributes[]` with `updated_since` selects employees where one of the listed
// attributes changed, and v2 splits an employee into a person and an employment with their own
// `updated_at`. The generated company has no history, so every attribute of a record that was
// never edited here counts as changed at its `last_modified_at`.
import type { EmployeeState } from './model'

/** State fields that are not attributes of their own. */
const NOT_ATTRIBUTES = new Set(['id', 'createdAt', 'lastModifiedAt', 'attributeChanges', 'custom'])

/** The v1 attribute key of a state field: `supervisorId` → `supervisor`, `hireDate` → `hire_date`. */
export function attributeKeyOf(field: string): string {
  return field.replace(/Id$/, '').replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Attribute keys whose value differs between two versions of an employee. */
export function changedAttributeKeys(before: EmployeeState, after: EmployeeState): string[] {
  const keys: string[] = []
  for (const field of Object.keys(after) as (keyof EmployeeState)[]) {
    if (NOT_ATTRIBUTES.has(field)) continue
    if (!same(before[field], after[field])) keys.push(attributeKeyOf(field))
  }
  const custom = new Set([...Object.keys(before.custom), ...Object.keys(after.custom)])
  for (const key of custom) if (!same(before.custom[key], after.custom[key])) keys.push(key)
  return keys
}

/** The edited employee with the change stamp recorded on each changed attribute. */
export function recordAttributeChanges(
  before: EmployeeState,
  after: EmployeeState,
  at: number,
): EmployeeState {
  const changes = before.attributeChanges ?? { baseline: before.lastModifiedAt, at: {} }
  const stamped = { ...changes.at }
  for (const key of changedAttributeKeys(before, after)) stamped[key] = at
  return { ...after, attributeChanges: { baseline: changes.baseline, at: stamped } }
}

/** When an attribute last changed (ms). */
export function attributeChangedAt(e: EmployeeState, key: string): number {
  const changes = e.attributeChanges
  if (changes === undefined) return e.lastModifiedAt
  return changes.at[key] ?? changes.baseline
}

/** Attributes that make up a v2 person (its webhook fires for these and any custom attribute). */
export const PERSON_ATTRIBUTES: readonly string[] = [
  'first_name',
  'last_name',
  'preferred_name',
  'email',
  'gender',
]

/** Attributes that make up a v2 employment. */
export const EMPLOYMENT_ATTRIBUTES: readonly string[] = [
  'status',
  'position',
  'supervisor',
  'employment_type',
  'weekly_working_hours',
  'hire_date',
  'contract_end_date',
  'termination_date',
  'termination_type',
  'termination_reason',
  'probation_period_end',
  'last_working_day',
  'subcompany',
  'office',
  'department',
  'team',
  'cost_centers',
]

export const isPersonAttribute = (key: string) =>
  PERSON_ATTRIBUTES.includes(key) || key.startsWith('dynamic_')

/** Latest change among some attributes. */
export function changedAtOf(e: EmployeeState, keys: Iterable<string>): number {
  let latest = Number.NEGATIVE_INFINITY
  for (const key of keys) latest = Math.max(latest, attributeChangedAt(e, key))
  return Number.isFinite(latest) ? latest : e.lastModifiedAt
}

export const personUpdatedAt = (e: EmployeeState) =>
  changedAtOf(e, [...PERSON_ATTRIBUTES, ...Object.keys(e.custom)])

export const employmentUpdatedAt = (e: EmployeeState) => changedAtOf(e, EMPLOYMENT_ATTRIBUTES)
