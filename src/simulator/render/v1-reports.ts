// v1 custom reports: the list, the paged items (`attributes` cells, or `historical_attributes`
// with an effective date for historical reports) and the column labels.
import type {
  ReportCell,
  ReportItem,
  V1CustomReport,
  V1CustomReportAttributes,
  V1ReportColumns,
} from '../../personio/types'
import type { Company } from '../state/company'
import type { EmployeeState, ReportState } from '../state/model'
import { isoDate, utcSeconds } from '../time-format'

const LABELS: Record<string, [label: string, dataType: string]> = {
  first_name: ['First name', 'TEXT'],
  last_name: ['Last name', 'TEXT'],
  department: ['Department', 'ENTITY'],
  cost_centers: ['Cost centers', 'COST_CENTER'],
  absence_overview: ['Absence overview', 'ABSENCE_OVERVIEW'],
  hire_date: ['Hire date', 'DATE'],
}

export function reportAttributes(r: ReportState): V1CustomReportAttributes {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    author_first_name: r.authorFirstName,
    author_last_name: r.authorLastName,
    type: r.type,
    status: r.status,
    start_date: r.startDay === null ? null : isoDate(r.startDay),
    end_date: r.endDay === null ? null : isoDate(r.endDay),
    created_at: utcSeconds(r.createdAt),
    updated_at: utcSeconds(r.updatedAt),
    data_refreshed_at: r.dataRefreshedAt === null ? null : utcSeconds(r.dataRefreshedAt),
    columns: r.columns,
    filters: [{ column: 'status', comparison: 'equals', value: 'active' }],
    period_type: r.type === 'point_in_time' ? null : 'custom',
  }
}

export function renderReport(r: ReportState): V1CustomReport {
  return { type: 'Report', attributes: reportAttributes(r) }
}

function cell(column: string, e: EmployeeState, c: Company): ReportCell {
  const dataType = LABELS[column]?.[1] ?? 'TEXT'
  const base = { attribute_id: column, data_type: dataType, employee_id: e.id }
  switch (column) {
    case 'first_name':
      return { ...base, value: e.firstName }
    case 'last_name':
      return { ...base, value: e.lastName }
    case 'hire_date':
      return { ...base, value: isoDate(e.hireDate) }
    case 'department':
      return {
        ...base,
        entity_id: e.departmentId ?? 0,
        value: c.catalogue.departments.find((d) => d.id === e.departmentId)?.name ?? null,
      }
    case 'cost_centers':
      return {
        ...base,
        cost_centers: e.costCenters.map((cc) => ({
          cost_center_id: cc.id,
          value: c.catalogue.costCenters.find((r) => r.id === cc.id)?.name ?? '',
          weight: `${cc.percentage}%`,
        })),
      }
    case 'absence_overview': {
      const days = c.balances(e.id)?.reduce((s, b) => s + Math.max(0, 30 - b.balance), 0) ?? 0
      return {
        ...base,
        start_date: '2026-01-01',
        end_date: '2026-12-31',
        duration_days: days % 31,
        duration_hours: (days % 31) * 8,
      }
    }
    default:
      return { ...base, value: null }
  }
}

/** Rows of a report: one per employee; historical reports have two effective dates per employee. */
export function reportItems(r: ReportState, c: Company, employees: readonly EmployeeState[]): ReportItem[] {
  return employees.map((e) => {
    const cells = r.columns.map((column) => cell(column, e, c))
    if (r.type !== 'historical_data') return { employee_id: e.id, attributes: cells }
    const dates = [isoDate(e.hireDate), isoDate(e.hireDate + 365)]
    return {
      employee_id: e.id,
      historical_attributes: dates.flatMap((d) => cells.map((cl) => ({ ...cl, effective_date: d }))),
    }
  })
}

export function reportColumns(columns: readonly string[]): V1ReportColumns {
  return {
    type: 'Column',
    attributes: columns.map((id) => ({
      attribute_id: id,
      human_readable: LABELS[id]?.[0] ?? id,
      data_type: LABELS[id]?.[1] ?? 'TEXT',
    })),
  }
}
