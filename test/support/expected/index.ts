// The convergence oracle's expectations: what each resource's topic should hold, computed from the
// simulator's raw Personio JSON by test code alone. Nothing here may come from src/resources,
// src/personio or the contract's mapping — a mapping bug copied into the expectation would make
// every convergence check agree with it. Only the list of resource names is shared (a type), so a
// new resource does not compile until it has an expectation here.
import { createHmac } from 'node:crypto'
import type { ResourceName } from '../../../src/resources'
import { expectedAbsencePeriods, expectedAbsences, expectedAbsenceTypes, expectedBalances } from './absences'
import { expectedAttendances, expectedProjects } from './attendances'
import { expectedDocumentCategories } from './document-categories'
import { expectedEmployees, type CustomAttribute } from './employees'
import { at, RawPersonio, v1RecordOffsets, type Credential } from './http'
import { expectedReportList, expectedReportRows, reportList } from './reports'
import { int, type Row, type Value } from './values'

export type { Row, Value } from './values'
export type { Credential } from './http'
export { attributeFieldName, customAttributes, type CustomAttribute } from './employees'

/** Each topic's key fields in key-schema order (docs/contract.md "Keys"). */
export const KEYS: Readonly<Record<ResourceName, readonly string[]>> = {
  employees: ['id'],
  absences: ['id'],
  absence_periods: ['id'],
  absence_types: ['id'],
  attendances: ['id'],
  projects: ['id'],
  document_categories: ['id'],
  employees_absences_balance: ['employee_id', 'id'],
  custom_reports_list: ['id'],
  custom_reports: ['report_id', 'employee_id', 'effective_date'],
}

/** Fields carrying JSON text: compared by content, since key order inside the text is no contract. */
export const JSON_FIELDS: Readonly<Record<ResourceName, readonly string[]>> = {
  employees: ['cost_centers', 'absence_entitlement', 'work_schedule_days'],
  absences: [],
  absence_periods: ['breakdowns'],
  absence_types: [],
  attendances: [],
  projects: [],
  document_categories: [],
  employees_absences_balance: [],
  custom_reports_list: ['columns', 'filters'],
  custom_reports: ['cells'],
}

/** The same key text the tables use: the key values as JSON, in key order (`[4711]`, `[4711,113]`). */
export const keyText = (resource: ResourceName, row: Record<string, unknown>): string =>
  JSON.stringify(KEYS[resource].map((k) => row[k]))

/** FIELD_POLICY of one resource, as docs/contract.md describes it ("Field policy"). */
export interface FieldPolicy {
  drop?: readonly string[]
  hash?: readonly string[]
}

export interface ExpectedOptions {
  /** the credential the product reads with (its whitelist decides what is there); default the simulator's first */
  credential?: Credential
  /** the field policy the product runs with, per resource, and its FIELD_HASH_KEY */
  fieldPolicy?: Partial<Record<ResourceName, FieldPolicy>>
  hashKey?: string
}

export interface SimulatorEndpoint {
  url: string
  credentials: readonly Credential[]
}

async function rowsOf(
  api: RawPersonio,
  resource: ResourceName,
): Promise<{ rows: Row[]; attributes: CustomAttribute[] }> {
  const plain = (rows: Row[]) => ({ rows, attributes: [] })
  switch (resource) {
    case 'employees':
      return expectedEmployees(api)
    case 'absences':
      return plain(await expectedAbsences(api))
    case 'absence_periods':
      return plain(await expectedAbsencePeriods(api))
    case 'absence_types':
      return plain(await expectedAbsenceTypes(api))
    case 'attendances':
      return plain(await expectedAttendances(api))
    case 'projects':
      return plain(await expectedProjects(api))
    case 'document_categories':
      return plain(await expectedDocumentCategories(api))
    case 'employees_absences_balance': {
      const employees = await v1RecordOffsets(api, '/v1/company/employees', 100)
      const ids = employees.map((e) => int(at(e, 'attributes', 'id', 'value'))).filter((id) => id !== null)
      return plain(await expectedBalances(api, ids))
    }
    case 'custom_reports_list':
      return plain(expectedReportList(await reportList(api)))
    case 'custom_reports':
      return plain(await expectedReportRows(api, await reportList(api)))
  }
}

/**
 * What the topic of `resource` should hold now, read from the simulator over HTTP as Personio JSON:
 * key text → the record as a consumer decodes it (custom employee attributes included), with the
 * field policy applied when one is given.
 */
export async function expectedTable(
  sim: SimulatorEndpoint,
  resource: ResourceName,
  options: ExpectedOptions = {},
): Promise<Map<string, Row>> {
  const credential = options.credential ?? sim.credentials[0]
  if (credential === undefined) throw new Error('oracle: the simulator has no credential')
  const { rows, attributes } = await rowsOf(new RawPersonio(sim.url, credential), resource)
  const policy = options.fieldPolicy?.[resource]
  const apply =
    policy === undefined ? (r: Row) => r : policyFor(resource, policy, attributes, options.hashKey)
  const out = new Map<string, Row>()
  for (const row of rows) {
    const key = keyText(resource, row)
    if (out.has(key)) throw new Error(`oracle: ${resource} lists ${key} twice`)
    out.set(key, apply(row))
  }
  return out
}

/** What a hashed field carries: HMAC-SHA256 in hex over the text the plain field would have held. */
function hmacHex(key: string, value: Exclude<Value, null>): string {
  return createHmac('sha256', key).update(String(value), 'utf8').digest('hex')
}

function policyFor(
  resource: ResourceName,
  policy: FieldPolicy,
  attributes: readonly CustomAttribute[],
  hashKey: string | undefined,
): (row: Row) => Row {
  // Custom attributes may be named by their Personio key, which never changes with a label.
  const field = (name: string) => attributes.find((a) => a.key === name)?.field ?? name
  const drop = new Set((policy.drop ?? []).map(field))
  const hash = new Set((policy.hash ?? []).map(field))
  if (hash.size > 0 && hashKey === undefined)
    throw new Error(`oracle: ${resource} hashes ${[...hash].join(', ')} but no hashKey was given`)
  return (row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([name]) => !drop.has(name))
        .map(([name, v]) => [name, hash.has(name) && v !== null ? hmacHex(hashKey as string, v) : v]),
    )
}
