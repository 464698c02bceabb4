// The PostgreSQL tables the Debezium JDBC sink keeps, read back in the oracle's comparable form
// (test/downstream/expected.ts). Two psql runs read every table: one for the columns the sink
// created, one for all rows; a poll every half second costs two processes, not one per table.
import { keySubject, topicFor, valueSubject } from '../../src/contract/naming'
import type { SchemaRegistryClient } from '../../src/contract/registry'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { resourceNames, type RecordValue, type ResourceName } from '../../src/resources'
import { sinkTable } from '../../scripts/downstream/connect-config'
import { columnsOf, type Column } from '../../scripts/downstream/flink-sql'
import type { RunningPostgres } from '../../scripts/downstream/postgres'

export interface SinkTable {
  resource: ResourceName
  table: string
  key: string[]
  columns: Column[]
}

export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`

/** Each resource's table, key and columns from the schemas the registry holds now. */
export async function sinkTables(
  registry: Pick<SchemaRegistryClient, 'latest'>,
  prefix: string,
): Promise<SinkTable[]> {
  return Promise.all(
    resourceNames.map(async (resource) => {
      const topic = topicFor(prefix, resource)
      const [key, value] = await Promise.all([
        registry.latest(keySubject(topic)),
        registry.latest(valueSubject(topic)),
      ])
      if (key === undefined || value === undefined) throw new Error(`${topic}: no schemas registered`)
      const keySchema = JSON.parse(key.schema) as AvroRecordSchema
      return {
        resource,
        table: sinkTable(prefix, resource),
        key: keySchema.fields.map((f) => f.name),
        columns: columnsOf(keySchema, JSON.parse(value.schema) as AvroRecordSchema),
      }
    }),
  )
}

/** The columns the sink created, table → column name → PostgreSQL data type; a table not created yet is absent. */
export function pgColumns(pg: RunningPostgres, tables: readonly string[]): Map<string, Map<string, string>> {
  const names = tables.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')
  const out = pg.psql(
    `SELECT table_name || '|' || column_name || '|' || data_type FROM information_schema.columns WHERE table_name IN (${names});`,
  )
  const byTable = new Map<string, Map<string, string>>()
  for (const line of out.split('\n').filter((l) => l !== '')) {
    const [table, column, type] = line.split('|') as [string, string, string]
    byTable.set(table, (byTable.get(table) ?? new Map<string, string>()).set(column, type))
  }
  return byTable
}

/** The SELECT list that reads a table's columns back under their field names in comparable form. */
function selectList(t: SinkTable, have: ReadonlyMap<string, string>): string {
  return t.columns
    .map((c) => {
      const col = quote(c.name)
      // a column the sink has not added yet reads as null, so the diff names the field
      const expr = !have.has(c.name)
        ? 'NULL'
        : c.kind === 'date'
          ? `to_char(${col}, 'YYYY-MM-DD')`
          : c.kind === 'timestamp'
            ? `(extract(epoch from ${col}) * 1000)::bigint`
            : c.kind === 'decimal'
              ? `${col}::text`
              : col
      return `${expr} AS ${quote(c.name)}`
    })
    .join(', ')
}

/** Every sink table's rows; a table the sink has not created yet is absent. */
export function readTables(
  pg: RunningPostgres,
  tables: readonly SinkTable[],
): Partial<Record<ResourceName, RecordValue[]>> {
  const columns = pgColumns(
    pg,
    tables.map((t) => t.table),
  )
  const created = tables.filter((t) => columns.has(t.table))
  if (created.length === 0) return {}
  const parts = created.map(
    (t) =>
      `'${t.resource}', (SELECT coalesce(json_agg(r), '[]') FROM (SELECT ${selectList(t, columns.get(t.table) ?? new Map())} FROM ${quote(t.table)}) r)`,
  )
  return JSON.parse(pg.psql(`SELECT json_build_object(${parts.join(', ')});`)) as Partial<
    Record<ResourceName, RecordValue[]>
  >
}
