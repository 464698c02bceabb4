// What the tables must hold: the simulator's own state, rendered as its API serves it and mapped by
// the resource declarations (the contract), in one comparable form per column kind: dates as ISO
// days, timestamps as epoch milliseconds, decimals as their exact text.
import { buildEmployeeValueSchema } from '../../src/contract/employee-schema'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { resources, resourceNames, type RecordValue, type ResourceName } from '../../src/resources'
import type { Company } from '../../src/simulator'
import type { Column } from '../../scripts/downstream/flink-sql'
import { simAttributeDefinitions, simItems } from '../support/sim-items'

export type Rows = Record<ResourceName, RecordValue[]>

/** Every resource's records as the product must publish them from this company. */
export function expectedRecords(company: Company, employeesSchema?: AvroRecordSchema): Rows {
  const items = simItems(company)
  const employees = buildEmployeeValueSchema(simAttributeDefinitions(company), employeesSchema)
  // Rows of a report Personio is recomputing are read on a later pass (capture/read-resource.ts).
  const upToDate = new Set(
    company
      .list('reports')
      .filter((r) => r.status === 'up_to_date')
      .map((r) => r.id),
  )
  const out = {} as Rows
  for (const name of resourceNames) {
    const context = name === 'employees' ? { extraFields: employees.customFields } : undefined
    const records = items[name].map((item) => resources[name].toRecord(item, context))
    out[name] =
      name === 'custom_reports' ? records.filter((r) => upToDate.has(r.report_id as string)) : records
  }
  return out
}

/** A value in the comparable form of its column kind. */
export function comparable(kind: Column['kind'], value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (kind) {
    case 'date':
      return typeof value === 'number' ? new Date(value * 86_400_000).toISOString().slice(0, 10) : value
    case 'decimal':
      return String(value)
    default:
      return value
  }
}

export const identity = (key: readonly string[], row: RecordValue): string =>
  JSON.stringify(key.map((k) => row[k]))

/**
 * The differences between what a reader holds and what is expected, one line each (at most
 * `limit`): missing and unexpected keys, then every field that differs. Empty when equal.
 */
export function differences(
  resource: string,
  columns: readonly Column[],
  key: readonly string[],
  expected: readonly RecordValue[],
  actual: readonly RecordValue[],
  limit = 15,
): string[] {
  const out: string[] = []
  const want = new Map(expected.map((r) => [identity(key, r), r]))
  const got = new Map(actual.map((r) => [identity(key, r), r]))
  for (const id of want.keys()) if (!got.has(id)) out.push(`${resource} ${id}: missing`)
  for (const id of got.keys()) if (!want.has(id)) out.push(`${resource} ${id}: should be gone`)
  for (const [id, w] of want) {
    const g = got.get(id)
    if (g === undefined) continue
    for (const c of columns) {
      if (c.name.startsWith('__')) continue // metadata: compared between readers, not with Personio
      const a = comparable(c.kind, w[c.name])
      const b = comparable(c.kind, g[c.name])
      if (JSON.stringify(a) !== JSON.stringify(b))
        out.push(
          `${resource} ${id} ${c.name} (${c.kind}): expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`,
        )
    }
  }
  return out.slice(0, limit)
}

/** Where two readers disagree on the Debezium-style metadata (`__op`, `__source_ts_ms`, …) of a row. */
export function metadataDisagreements(
  resource: string,
  columns: readonly Column[],
  key: readonly string[],
  one: readonly RecordValue[],
  other: readonly RecordValue[],
): string[] {
  const others = new Map(other.map((r) => [identity(key, r), r]))
  return one.flatMap((row) =>
    columns
      .filter((c) => c.name.startsWith('__'))
      .filter(
        (c) =>
          JSON.stringify(row[c.name] ?? null) !==
          JSON.stringify(others.get(identity(key, row))?.[c.name] ?? null),
      )
      .map(
        (c) =>
          `${resource} ${identity(key, row)} ${c.name}: ${JSON.stringify(row[c.name])} vs ${JSON.stringify(others.get(identity(key, row))?.[c.name])}`,
      ),
  )
}
