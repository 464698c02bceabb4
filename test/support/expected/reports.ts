// Custom reports (personio-api.md §6.9-6.10): the list, and per report its rows — one per employee,
// and for historical reports one per employee and effective date. A row's cells are a JSON object
// attribute_id → the cell without what the row's key already says (docs/contract.md custom_reports).
import { at, list, v1Unpaged, type RawPersonio } from './http'
import { day, instant, int, json, text, type Row } from './values'

const a = (item: unknown, ...path: (string | number)[]) => at(item, 'attributes', ...path)

/** Rows are read only from reports Personio is not recomputing (personio-api.md §6.10). */
const READY = 'up_to_date'
/** Smaller pages than the product asks for, so a paging bug there is not repeated here. */
const PAGE = 7

export async function reportList(api: RawPersonio): Promise<unknown[]> {
  return v1Unpaged(api, '/v1/company/custom-reports/reports')
}

export function expectedReportList(reports: readonly unknown[]): Row[] {
  return reports.map((r) => ({
    id: text(a(r, 'id')),
    name: text(a(r, 'name')),
    description: text(a(r, 'description')),
    author_first_name: text(a(r, 'author_first_name')),
    author_last_name: text(a(r, 'author_last_name')),
    type: text(a(r, 'type')),
    status: text(a(r, 'status')),
    start_date: day(a(r, 'start_date')),
    end_date: day(a(r, 'end_date')),
    created_at: instant(a(r, 'created_at')),
    updated_at: instant(a(r, 'updated_at')),
    data_refreshed_at: instant(a(r, 'data_refreshed_at')),
    columns: json(a(r, 'columns')),
    filters: json(a(r, 'filters')),
    period_type: text(a(r, 'period_type')),
  }))
}

function cellsText(cells: readonly unknown[]): string {
  const byAttribute: Record<string, unknown> = {}
  for (const cell of cells) {
    const id = text(at(cell, 'attribute_id'))
    if (id === null) throw new Error(`oracle: report cell without attribute_id: ${JSON.stringify(cell)}`)
    const rest = Object.fromEntries(
      Object.entries(cell as Record<string, unknown>).filter(
        ([k]) => k !== 'attribute_id' && k !== 'employee_id' && k !== 'effective_date',
      ),
    )
    byAttribute[id] = rest
  }
  return JSON.stringify(byAttribute)
}

function rowsOfItem(reportId: string, item: unknown): Row[] {
  const employeeId = int(at(item, 'employee_id'))
  const historical = at(item, 'historical_attributes')
  if (historical === undefined)
    return [
      {
        report_id: reportId,
        employee_id: employeeId,
        effective_date: '',
        cells: cellsText(list(at(item, 'attributes'), 'report item attributes')),
      },
    ]
  const byDate = new Map<string, unknown[]>()
  for (const cell of list(historical, 'report item historical_attributes')) {
    const date = text(at(cell, 'effective_date')) ?? ''
    byDate.set(date, [...(byDate.get(date) ?? []), cell])
  }
  return [...byDate].map(([date, cells]) => ({
    report_id: reportId,
    employee_id: employeeId,
    effective_date: date,
    cells: cellsText(cells),
  }))
}

/** The rows of every ready report; a report gone since the listing (404) has none. */
export async function expectedReportRows(api: RawPersonio, reports: readonly unknown[]): Promise<Row[]> {
  const out: Row[] = []
  for (const r of reports) {
    const id = text(a(r, 'id'))
    if (id === null || text(a(r, 'status')) !== READY) continue
    for (let page = 1; ; page++) {
      const body = await api.get(`/v1/company/custom-reports/reports/${id}?page=${page}&limit=${PAGE}`, {
        missingOk: true,
      })
      if (body === null) break
      const items = list(at(body, 'data'), 'report page').flatMap((d) =>
        list(a(d, 'items') ?? [], 'report items'),
      )
      for (const item of items) out.push(...rowsOfItem(id, item))
      const pages = at(body, 'metadata', 'total_pages')
      if (items.length < PAGE || (typeof pages === 'number' && page >= pages)) break
    }
  }
  return out
}
