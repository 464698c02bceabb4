// Personio items of every resource, rendered by the simulator in-process (no network): the raw
// material for mapping and golden tests.
import { simClock } from '../../src/simulator/clock'
import { renderAbsencePeriod, renderTimeOff, renderTimeOffType } from '../../src/simulator/render/v1-absences'
import { attributeDefinitions, renderEmployee } from '../../src/simulator/render/v1-employee'
import { renderReport, reportAttributes, reportItems } from '../../src/simulator/render/v1-reports'
import { renderAttendance, renderProject } from '../../src/simulator/render/v2'
import { Company } from '../../src/simulator/state/company'
import { reportRows, type ResourceName } from '../../src/resources'
import type { V1CustomReportPage, V1EmployeeAttributeDefinition } from '../../src/personio/types'

export function simCompany(employees = 8, seed = 3): Company {
  return new Company(
    {
      seed,
      employees,
      absencesPerEmployee: 2,
      absencePeriodsPerEmployee: 1,
      attendancesPerEmployee: 2,
      reports: 3,
      customAttributes: 6,
    },
    simClock(Date.parse('2026-01-15T09:00:00Z')),
  )
}

export function simItems(company: Company): Record<ResourceName, unknown[]> {
  const balances = company.list('employees').flatMap((e) =>
    (company.balances(e.id) ?? []).map((b) => {
      const t = company.get('timeOffTypes', b.typeId)
      return {
        employee_id: e.id,
        id: b.typeId,
        name: t?.name ?? '',
        category: t?.category ?? null,
        balance: b.balance,
        available_balance: b.available,
      }
    }),
  )
  const rows = company.list('reports').flatMap((r) => {
    const page: V1CustomReportPage = {
      type: 'Report',
      attributes: { ...reportAttributes(r), items: reportItems(r, company, company.list('employees')) },
    }
    return reportRows(page)
  })
  return {
    employees: company.list('employees').map((e) => renderEmployee(e, company, undefined)),
    absences: company.list('timeOffs').map((o) => renderTimeOff(o, company)),
    absence_periods: company.list('absencePeriods').map((p) => renderAbsencePeriod(p, company)),
    absence_types: company.list('timeOffTypes').map(renderTimeOffType),
    attendances: company.list('attendances').map(renderAttendance),
    projects: company.list('projects').map(renderProject),
    document_categories: company
      .list('documentCategories')
      .map((d) => ({ id: d.id, type: 'DocumentCategory', attributes: { name: d.name } })),
    employees_absences_balance: balances,
    custom_reports_list: company.list('reports').map(renderReport),
    custom_reports: rows,
  }
}

export function simAttributeDefinitions(company: Company): V1EmployeeAttributeDefinition[] {
  return attributeDefinitions(company, undefined)
}
