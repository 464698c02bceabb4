// The two downstream readers the test asks: Confluent's Python deserializers (the compacted view of
// every topic) and PostgreSQL (the tables Flink SQL keeps).
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { RecordValue } from '../../src/resources'
import { sinkColumn, type TableStatements } from '../../scripts/downstream/flink-sql'
import type { RunningPostgres } from '../../scripts/downstream/postgres'

const run = promisify(execFile)

export interface KeyedValue {
  key: RecordValue
  value: RecordValue
}

/** topic → compacted view (last value per key, tombstoned keys gone), decoded by confluent-kafka. */
export async function readWithConfluent(
  python: string,
  brokers: string,
  registryUrl: string,
  topics: readonly string[],
): Promise<Record<string, KeyedValue[]>> {
  const read = () =>
    run(python, [join(__dirname, 'confluent_read.py'), brokers, registryUrl, ...topics], {
      maxBuffer: 256 * 1024 * 1024,
      timeout: 60_000,
    })
  let result: { stdout: string }
  try {
    result = await read()
  } catch (error) {
    // Seen once on a loaded machine: a first read that never finished. Say so, then read again.
    console.warn(`confluent_read.py failed, reading once more: ${(error as Error).message}`)
    result = await read()
  }
  return JSON.parse(result.stdout) as Record<string, KeyedValue[]>
}

/** The PostgreSQL table of a resource, each column back under its field name in comparable form. */
export function readPostgres(pg: RunningPostgres, table: TableStatements): RecordValue[] {
  const select = table.columns.map((c) => {
    const col = sinkColumn(c.name)
    const expr =
      c.kind === 'date'
        ? `to_char(${col}, 'YYYY-MM-DD')`
        : c.kind === 'timestamp'
          ? `(extract(epoch from ${col}) * 1000)::bigint`
          : c.kind === 'decimal'
            ? `${col}::text`
            : col
    return `${expr} AS "${c.name}"`
  })
  const out = pg.psql(
    `SELECT coalesce(json_agg(t), '[]') FROM (SELECT ${select.join(', ')} FROM ${table.table}) t;`,
  )
  return JSON.parse(out) as RecordValue[]
}
