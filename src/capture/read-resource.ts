// Where each resource's raw items come from: one function per paging style, chosen by resource.
// Stages (balances, report rows) fan out from their parent listing. Pages stream; nothing here
// holds a whole listing. A listing's size rides along when Personio says it (progress shows an ETA).
import type { PersonioClient } from '../personio'
import type { Page } from '../personio/pagination/page'
import { reportRows, type ResourceName } from '../resources'

export interface ReadPage {
  items: unknown[]
  /** records the whole listing holds, when Personio says (never for stages fanning out) */
  total?: number
}

async function* items<T>(pages: AsyncIterable<Page<T>>): AsyncGenerator<ReadPage> {
  for await (const page of pages) yield { items: page.items, total: page.total }
}

async function* balances(client: PersonioClient): AsyncGenerator<ReadPage> {
  for await (const page of client.employees.list({ attributes: ['id'] })) {
    for (const employee of page.items) {
      const id = employee.attributes.id?.value
      if (typeof id !== 'number') continue // the employee itself is dead-lettered by its own resource
      const rows = await client.employees.absenceBalance(id)
      yield { items: rows.map((row) => ({ ...row, employee_id: id })) }
    }
  }
}

async function* reports(client: PersonioClient): AsyncGenerator<ReadPage> {
  for (const report of await client.customReports.list()) {
    // A report Personio is recomputing would show half-old data: it is read on a later pass.
    if (report.attributes.status !== 'up_to_date') continue
    for await (const page of client.customReports.items(report.attributes.id)) {
      yield { items: page.items.flatMap((p) => reportRows(p)) }
    }
  }
}

export function readResource(client: PersonioClient, name: ResourceName): AsyncIterable<ReadPage> {
  switch (name) {
    case 'employees':
      return items(client.employees.list())
    case 'absences':
      return items(client.timeOffs.list())
    case 'absence_periods':
      return items(client.absencePeriods.list())
    case 'absence_types':
      return items(client.timeOffTypes.list())
    case 'attendances':
      return items(client.attendancePeriods.list())
    case 'projects':
      return items(client.projects.list())
    case 'document_categories':
      return (async function* () {
        const all = await client.documentCategories.list()
        yield { items: all, total: all.length }
      })()
    case 'custom_reports_list':
      return (async function* () {
        const all = await client.customReports.list()
        yield { items: all, total: all.length }
      })()
    case 'employees_absences_balance':
      return balances(client)
    case 'custom_reports':
      return reports(client)
  }
}
