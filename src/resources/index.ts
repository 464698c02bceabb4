// Every resource of the product, and the ones deliberately absent with the reason (as kafkajs lists
// the API keys it does not implement).
import { absencePeriods } from './absence-periods'
import { absenceTypes } from './absence-types'
import { absences } from './absences'
import { attendances } from './attendances'
import { customReports } from './custom-reports'
import { customReportsList } from './custom-reports-list'
import { documentCategories } from './document-categories'
import { employees } from './employees'
import { employeesAbsencesBalance } from './employees-absences-balance'
import { projects } from './projects'
import type { Resource, ResourceName } from './resource'

export const resources: Readonly<Record<ResourceName, Resource>> = {
  employees: employees as Resource,
  absences: absences as Resource,
  absence_periods: absencePeriods as Resource,
  absence_types: absenceTypes as Resource,
  attendances: attendances as Resource,
  projects: projects as Resource,
  document_categories: documentCategories as Resource,
  employees_absences_balance: employeesAbsencesBalance as Resource,
  custom_reports_list: customReportsList as Resource,
  custom_reports: customReports as Resource,
}

export const resourceNames = Object.keys(resources) as ResourceName[]

export const absentResources = [
  {
    endpoint: 'v1 GET /company/attendances',
    reason: 'removed by Personio on 2026-08-30; attendances come from v2 /v2/attendance-periods',
  },
  {
    endpoint: 'v1 GET /company/attendances/projects',
    reason: 'removed by Personio on 2026-08-30; projects come from v2 /v2/projects',
  },
] as const

export type { Resource, ResourceName, RecordValue, MappedRecord, MappingContext } from './resource'
export { keyOf } from './resource'
export { reportRows } from './custom-reports'
