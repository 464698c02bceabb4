// v1 GET /company/custom-reports/reports/{id} — `page` + `limit`; each page repeats the report
// metadata with `items`: `attributes` cells (point-in-time, timeframe) or `historical_attributes`
// cells carrying an `effective_date` (historical reports). No per-row timestamps: snapshot +
// fingerprint per report, fed by report-list events. Errors come as a JSON array.
// A row here is one employee (and, for historical reports, one effective date) of one report.
import type { ReportCell, V1CustomReportPage } from '../personio/types'
import { f } from './fields/field'
import { canonicalJson } from './fields/canonical-json'
import { defineResource } from './resource'

export interface ReportRow {
  report_id: string
  employee_id: unknown
  /** '' for reports without history: key fields cannot be null (compaction, JDBC primary keys) */
  effective_date: string
  cells: unknown
}

/** Flattens one page of report items into rows. Pure; tolerates malformed items (the mapping reports them). */
export function reportRows(page: V1CustomReportPage): ReportRow[] {
  const reportId = page.attributes.id
  return (page.attributes.items ?? []).flatMap((item): ReportRow[] => {
    if (item.historical_attributes === undefined) {
      return [
        { report_id: reportId, employee_id: item.employee_id, effective_date: '', cells: item.attributes },
      ]
    }
    const byDate = new Map<string, ReportCell[]>()
    for (const cell of item.historical_attributes) {
      const date = typeof cell.effective_date === 'string' ? cell.effective_date : ''
      byDate.set(date, [...(byDate.get(date) ?? []), cell])
    }
    return [...byDate].map(([date, cells]) => ({
      report_id: reportId,
      employee_id: item.employee_id,
      effective_date: date,
      cells,
    }))
  })
}

export const customReports = defineResource<ReportRow>({
  name: 'custom_reports',
  doc: 'One row of a custom report: an employee (and, for historical reports, an effective date).',
  source: {
    api: 'v1',
    path: '/company/custom-reports/reports/{report_id}',
    paging: 'page-param',
    maxLimit: 1000,
    items: (page) => reportRows(page as V1CustomReportPage),
  },
  key: ['report_id', 'employee_id', 'effective_date'],
  detect: 'stage',
  deletes: 'stage',
  stage: {
    parent: 'custom_reports_list',
    parentKey: 'id',
    scopeField: 'report_id',
    // A deleted employee's rows go at once, whether or not Personio touches the report itself.
    removedWith: [{ resource: 'employees', field: 'employee_id' }],
    // Rows are employees' values: an employee's change re-reads the reports that list them (a new
    // employee, every report), any field, since a report may show any of them.
    touchedBy: [{ resource: 'employees', rows: 'employee_id' }],
    // A report Personio is recomputing would show half-old rows; its list entry changes again
    // when the recomputation ends, and that event reads the rows.
    ready: (report) => report.status === 'up_to_date',
  },
  fields: [
    f.string('report_id', 'Report id (custom_reports_list).', (r) => r.string(['report_id'], true)),
    f.long('employee_id', 'Employee id.', (r) => r.long(['employee_id'], true)),
    f.string('effective_date', 'YYYY-MM-DD for historical reports, "" otherwise.', (r) => {
      const d = r.string(['effective_date'], true)
      return d === null || d === '' || /^\d{4}-\d{2}-\d{2}$/.test(d)
        ? d
        : r.problem(['effective_date'], 'must be YYYY-MM-DD', d)
    }),
    f.string(
      'cells',
      'JSON object attribute_id → cell (data_type and value fields as Personio sends them).',
      (r) => {
        const cells = r.raw(['cells'], true)
        if (cells === null) return null
        if (!Array.isArray(cells)) return r.problem(['cells'], 'must be a list', cells)
        const entries = cells.map((cell, i) => {
          const id = r.string(['cells', i, 'attribute_id'], true)
          const {
            attribute_id: _a,
            employee_id: _e,
            effective_date: _d,
            ...rest
          } = (cell ?? {}) as ReportCell
          return [id ?? `#${i}`, rest] as const
        })
        return canonicalJson(Object.fromEntries(entries))
      },
    ),
  ],
})
