// Employees as a consumer should see them, from v1 /company/employees JSON (personio-api.md §6.1):
// every attribute arrives as {label, value, type, universal_id}; an attribute the credential may not
// read is absent, which is null on the topic. Custom attributes (`dynamic_<n>`) become fields named
// by the contract's rule (docs/contract.md, README "Employee custom attributes"), re-implemented here.
import { at, v1RecordOffsets, v1Unpaged, type RawPersonio } from './http'
import { day, decimal, instant, int, json, num, text, type Row, type Value } from './values'

const value = (item: unknown, key: string): unknown => at(item, 'attributes', key, 'value')
const refId = (item: unknown, key: string) => int(at(value(item, key), 'attributes', 'id'))
const refName = (item: unknown, key: string) => text(at(value(item, key), 'attributes', 'name'))

const WEEK = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']

/** A list attribute's rows, each `{type, attributes{...}}`; null when the attribute is null. */
function rows(item: unknown, key: string): unknown[] | null {
  const v = value(item, key)
  if (v === null || v === undefined) return null
  if (!Array.isArray(v)) throw new Error(`oracle: employee ${key} is not a list: ${JSON.stringify(v)}`)
  return v
}

/** The static fields, in the order of schemas/employees-value.avsc. */
function staticRow(e: unknown): Row {
  const costCenters = rows(e, 'cost_centers')
  const entitlement = rows(e, 'absence_entitlement')
  const schedule = at(value(e, 'work_schedule'), 'attributes')
  return {
    id: int(value(e, 'id')),
    first_name: text(value(e, 'first_name')),
    last_name: text(value(e, 'last_name')),
    preferred_name: text(value(e, 'preferred_name')),
    email: text(value(e, 'email')),
    gender: text(value(e, 'gender')),
    status: text(value(e, 'status')),
    position: text(value(e, 'position')),
    // the supervisor is a nested short Employee, its id an attribute object itself
    supervisor_id: int(at(value(e, 'supervisor'), 'attributes', 'id', 'value')),
    employment_type: text(value(e, 'employment_type')),
    weekly_working_hours: num(value(e, 'weekly_working_hours')),
    hire_date: day(value(e, 'hire_date')),
    contract_end_date: day(value(e, 'contract_end_date')),
    termination_date: day(value(e, 'termination_date')),
    termination_type: text(value(e, 'termination_type')),
    termination_reason: text(value(e, 'termination_reason')),
    probation_period_end: day(value(e, 'probation_period_end')),
    last_working_day: day(value(e, 'last_working_day')),
    created_at: instant(value(e, 'created_at')),
    last_modified_at: instant(value(e, 'last_modified_at')),
    subcompany_id: refId(e, 'subcompany'),
    subcompany_name: refName(e, 'subcompany'),
    office_id: refId(e, 'office'),
    office_name: refName(e, 'office'),
    department_id: refId(e, 'department'),
    department_name: refName(e, 'department'),
    team_id: refId(e, 'team'),
    team_name: refName(e, 'team'),
    cost_centers:
      costCenters === null
        ? null
        : json(
            costCenters.map((c) => ({
              id: int(at(c, 'attributes', 'id')),
              name: text(at(c, 'attributes', 'name')),
              percentage: num(at(c, 'attributes', 'percentage')),
            })),
          ),
    holiday_calendar_id: refId(e, 'holiday_calendar'),
    holiday_calendar_name: refName(e, 'holiday_calendar'),
    holiday_calendar_country: text(at(value(e, 'holiday_calendar'), 'attributes', 'country')),
    holiday_calendar_state: text(at(value(e, 'holiday_calendar'), 'attributes', 'state')),
    absence_entitlement: entitlement === null ? null : json(entitlement.map((t) => at(t, 'attributes'))),
    work_schedule_id: refId(e, 'work_schedule'),
    work_schedule_name: refName(e, 'work_schedule'),
    work_schedule_days:
      schedule === null || schedule === undefined
        ? null
        : json(Object.fromEntries(WEEK.map((d) => [d, text(at(schedule, d))]))),
    fix_salary: decimal(value(e, 'fix_salary'), 2),
    // the currency sits beside the value, on the attribute object
    fix_salary_currency: text(at(e, 'attributes', 'fix_salary', 'currency')),
    fix_salary_interval: text(value(e, 'fix_salary_interval')),
    hourly_salary: decimal(value(e, 'hourly_salary'), 2),
    hourly_salary_currency: text(at(e, 'attributes', 'hourly_salary', 'currency')),
    profile_picture: text(value(e, 'profile_picture')),
  }
}

/** The names of the static employee fields: custom attribute names must not take one of them. */
export const STATIC_EMPLOYEE_FIELDS: readonly string[] = Object.keys(staticRow({ attributes: {} }))

export interface CustomAttribute {
  key: string
  label: string
  type: string
  universalId: string | null
  /** the field it lands in on the topic */
  field: string
}

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' }

/**
 * The contract's naming rule: an Avro-legal lower snake-case name from the universal id or the
 * label — German umlauts transliterated, other accents dropped, camelCase split, every run of other
 * characters one `_`, no `_` at either end, `_` before a leading digit, `field` when nothing is left.
 */
export function attributeFieldName(label: string): string {
  let s = ''
  for (const ch of label) s += UMLAUTS[ch] ?? ch
  s = s.normalize('NFD').replace(/\p{M}/gu, '')
  s = s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
  s = s
    .split(/[^a-z0-9]+/)
    .filter((part) => part !== '')
    .join('_')
  if (s === '') return 'field'
  return /^\d/.test(s) ? `_${s}` : s
}

/**
 * The custom attributes the credential reads, each with its field: a name already taken (by a
 * standard attribute, or by an attribute listed before) falls back to the attribute key.
 */
export function customAttributes(definitions: readonly unknown[]): CustomAttribute[] {
  const taken = new Set(STATIC_EMPLOYEE_FIELDS)
  const out: CustomAttribute[] = []
  for (const d of definitions) {
    const key = text(at(d, 'key'))
    if (key === null || !/^dynamic_\d+$/.test(key)) continue
    const label = text(at(d, 'label')) ?? key
    const universalId = text(at(d, 'universal_id'))
    let field = attributeFieldName(universalId ?? label)
    if (taken.has(field)) field = key
    taken.add(field)
    out.push({ key, label, type: text(at(d, 'type')) ?? 'standard', universalId, field })
  }
  return out
}

/** A custom attribute's value by its Personio type: dates as days, integers, decimals as doubles, the rest text. */
function customValue(attribute: CustomAttribute, raw: unknown): Value {
  switch (attribute.type) {
    case 'date':
      return day(raw)
    case 'integer':
      return int(raw)
    case 'decimal':
      return num(raw)
    default:
      if (raw === null || raw === undefined || typeof raw === 'string') return text(raw)
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw)
      return json(raw)
  }
}

export interface ExpectedEmployees {
  rows: Row[]
  attributes: CustomAttribute[]
}

export async function expectedEmployees(api: RawPersonio): Promise<ExpectedEmployees> {
  const [items, definitions] = await Promise.all([
    v1RecordOffsets(api, '/v1/company/employees', 100),
    v1Unpaged(api, '/v1/company/employees/attributes'),
  ])
  const attributes = customAttributes(definitions)
  const rows = items.map((e): Row => {
    const row = staticRow(e)
    for (const a of attributes) row[a.field] = customValue(a, value(e, a.key))
    return row
  })
  return { rows, attributes }
}
