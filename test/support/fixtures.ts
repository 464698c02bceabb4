// The documented Personio responses under test/fixtures/<resource>/ (written by hand from
// ../shared/personio-api.md, never from the simulator), unwrapped into the items each mapping
// receives: v1 `data[]`, v2 `_data[]`, balances with the employee id the stage adds, report pages
// flattened into rows.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildEmployeeValueSchema } from '../../src/contract/employee-schema'
import { reportRows, resources, type MappingContext, type ResourceName } from '../../src/resources'
import type { V1CustomReportPage, V1EmployeeAttributeDefinition } from '../../src/personio/types'

const root = join(__dirname, '..', 'fixtures')

export function fixture<T = Record<string, unknown>>(resource: ResourceName, file: string): T {
  return JSON.parse(readFileSync(join(root, resource, `${file}.json`), 'utf8')) as T
}

const v1 = (resource: ResourceName, file: string) => fixture<{ data: unknown[] }>(resource, file).data
const v2 = (resource: ResourceName, file: string) => fixture<{ _data: unknown[] }>(resource, file)._data

export function fixtureItems(resource: ResourceName): unknown[] {
  switch (resource) {
    case 'employees':
      return v1(resource, 'v1-employees')
    case 'absences':
      return v1(resource, 'v1-time-offs')
    case 'absence_periods':
      return v1(resource, 'v1-absence-periods')
    case 'absence_types':
      return v1(resource, 'v1-time-off-types')
    case 'attendances':
      return v2(resource, 'v2-attendance-periods')
    case 'projects':
      return v2(resource, 'v2-projects')
    case 'document_categories':
      return v1(resource, 'v1-document-categories')
    case 'employees_absences_balance': {
      const response = fixture<{ _employee_id: number; data: object[] }>(resource, 'v1-balance')
      return response.data.map((b) => ({ ...b, employee_id: response._employee_id }))
    }
    case 'custom_reports_list':
      return v1(resource, 'v1-reports')
    case 'custom_reports':
      return ['v1-report-point-in-time', 'v1-report-historical'].flatMap((file) =>
        (v1(resource, file) as V1CustomReportPage[]).flatMap(reportRows),
      )
  }
}

/** The employee attribute definitions the credential of the fixtures may read. */
export function fixtureAttributeDefinitions(): V1EmployeeAttributeDefinition[] {
  return fixture<{ data: V1EmployeeAttributeDefinition[] }>('employees', 'v1-attributes').data
}

export function fixtureEmployeeSchema() {
  return buildEmployeeValueSchema(fixtureAttributeDefinitions())
}

export function fixtureContext(resource: ResourceName): MappingContext | undefined {
  return resource === 'employees' ? { extraFields: fixtureEmployeeSchema().customFields } : undefined
}

/** Days since 1970-01-01 of a calendar date, by plain arithmetic (Avro `date`). */
export const day = (iso: string): number => Date.UTC(...ymd(iso)) / 86_400_000
function ymd(iso: string): [number, number, number] {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  return [y, m - 1, d]
}

/** The fixture items the mapping accepts (the fixtures also hold documented quirks it refuses). */
export function acceptedFixtureItems(resource: ResourceName): unknown[] {
  const context = fixtureContext(resource)
  return fixtureItems(resource).filter((item) => {
    try {
      resources[resource].toRecord(item, context)
      return true
    } catch {
      return false
    }
  })
}
