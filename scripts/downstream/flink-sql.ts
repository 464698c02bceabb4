// The Flink SQL and PostgreSQL statements that turn the topics into tables, generated from the
// registered Avro schemas (the contract), so the test runs what docs/contract.md shows: each
// entity topic is an `upsert-kafka` table with `avro-confluent` key and value formats (a tombstone
// deletes the row), copied by one INSERT into a JDBC table in PostgreSQL. Pure.
import type { AvroField, AvroRecordSchema } from '../../src/contract/schema-builder'

export interface DownstreamEndpoints {
  brokers: string
  /** the registry's Confluent-compatible base URL, exactly what a user configures */
  registryUrl: string
  jdbcUrl: string
  jdbcUser: string
  jdbcPassword: string
  prefix: string
}

/** What a column holds, as the comparison in the test reads it back. */
export type ColumnKind = 'string' | 'long' | 'int' | 'double' | 'boolean' | 'timestamp' | 'date' | 'decimal'

export interface Column {
  name: string
  kind: ColumnKind
  flinkType: string
  postgresType: string
  nullable: boolean
}

export interface TableStatements {
  resource: string
  columns: Column[]
  key: string[]
  /** PostgreSQL: the table's name */
  table: string
  /** Flink: the topic as an upsert-kafka table */
  source: string
  /** Flink: the PostgreSQL table as a JDBC sink */
  sink: string
  insert: string
  /** PostgreSQL: the table the sink writes */
  postgres: string
}

function columnOf(field: AvroField, nullable: boolean): Column {
  const type = Array.isArray(field.type) ? field.type.find((t) => t !== 'null') : field.type
  const logical = typeof type === 'object' && type !== null ? (type as Record<string, unknown>) : undefined
  const base = logical === undefined ? type : logical.type
  const at = (kind: ColumnKind, flinkType: string, postgresType: string): Column => ({
    name: field.name,
    kind,
    flinkType,
    postgresType,
    nullable,
  })
  switch (logical?.logicalType) {
    case 'timestamp-millis':
      return at('timestamp', 'TIMESTAMP(3)', 'TIMESTAMP(3)')
    case 'date':
      return at('date', 'DATE', 'DATE')
    case 'decimal': {
      const p = Number(logical.precision)
      const s = Number(logical.scale ?? 0)
      return at('decimal', `DECIMAL(${p}, ${s})`, `NUMERIC(${p}, ${s})`)
    }
  }
  switch (base) {
    case 'string':
      return at('string', 'STRING', 'TEXT')
    case 'long':
      return at('long', 'BIGINT', 'BIGINT')
    case 'int':
      return at('int', 'INT', 'INTEGER')
    case 'double':
      return at('double', 'DOUBLE', 'DOUBLE PRECISION')
    case 'boolean':
      return at('boolean', 'BOOLEAN', 'BOOLEAN')
    default:
      throw new Error(`field ${field.name}: no SQL column for Avro type ${JSON.stringify(field.type)}`)
  }
}

export function columnsOf(key: AvroRecordSchema, value: AvroRecordSchema): Column[] {
  const keyNames = new Set(key.fields.map((f) => f.name))
  return value.fields.map((f) => columnOf(f, !keyNames.has(f.name) || Array.isArray(f.type)))
}

const tick = (name: string) => `\`${name}\``
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`

/**
 * PostgreSQL's reserved key words (`pg_get_keywords()` categories R and T; the integration test
 * checks this list against the running server). Flink's JDBC PostgreSQL dialect writes column
 * names as they are, never quoted, and its named-parameter parser rejects a quoted one, so a field
 * with such a name (today only `end`, of attendances and absence_periods) gets the column
 * `<name>_` in PostgreSQL. See "What consumers can rely on" in docs/contract.md.
 */
export const postgresReserved: ReadonlySet<string> = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate ' +
    'collation column concurrently constraint create cross current_catalog current_date current_role ' +
    'current_schema current_time current_timestamp current_user default deferrable desc distinct do else end ' +
    'except false fetch for foreign freeze from full grant group having ilike in initially inner intersect into ' +
    'is isnull join lateral leading left like limit localtime localtimestamp natural not notnull null offset on ' +
    'only or order outer overlaps placing primary references returning right select session_user similar some ' +
    'symmetric table tablesample then to trailing true union unique user using variadic verbose when where ' +
    'window with'
  ).split(' '),
)

/** The PostgreSQL column of a field: its own name, or `<name>_` when PostgreSQL reserves it. */
export const sinkColumn = (field: string): string => (postgresReserved.has(field) ? `${field}_` : field)

export function tableStatements(
  resource: string,
  key: AvroRecordSchema,
  value: AvroRecordSchema,
  at: DownstreamEndpoints,
): TableStatements {
  const columns = columnsOf(key, value)
  const keyNames = key.fields.map((f) => f.name)
  const topic = `${at.prefix}.${resource}`
  const pgTable = `${at.prefix.replace(/[^a-z0-9_]/gi, '_')}_${resource}`
  const flinkColumns = (name: (n: string) => string) =>
    columns.map((c) => `  ${tick(name(c.name))} ${c.flinkType}${c.nullable ? '' : ' NOT NULL'},`).join('\n')
  const source = `CREATE TABLE ${tick(resource)} (
${flinkColumns((n) => n)}
  PRIMARY KEY (${keyNames.map(tick).join(', ')}) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = ${lit(topic)},
  'properties.bootstrap.servers' = ${lit(at.brokers)},
  'properties.isolation.level' = 'read_committed',
  'key.format' = 'avro-confluent',
  'key.avro-confluent.url' = ${lit(at.registryUrl)},
  'value.format' = 'avro-confluent',
  'value.avro-confluent.url' = ${lit(at.registryUrl)},
  'value.fields-include' = 'ALL'
);`
  const sink = `CREATE TABLE ${tick(`pg_${resource}`)} (
${flinkColumns(sinkColumn)}
  PRIMARY KEY (${keyNames.map((k) => tick(sinkColumn(k))).join(', ')}) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = ${lit(at.jdbcUrl)},
  'table-name' = ${lit(pgTable)},
  'username' = ${lit(at.jdbcUser)},
  'password' = ${lit(at.jdbcPassword)}
);`
  const insert = `INSERT INTO ${tick(`pg_${resource}`)} SELECT * FROM ${tick(resource)};`
  const postgres = `CREATE TABLE ${pgTable} (
${columns.map((c) => `  ${sinkColumn(c.name)} ${c.postgresType}${c.nullable ? '' : ' NOT NULL'},`).join('\n')}
  PRIMARY KEY (${keyNames.map(sinkColumn).join(', ')})
);`
  return { resource, columns, key: keyNames, table: pgTable, source, sink, insert, postgres }
}

/** One file for DownstreamSql.java: every table, then every INSERT (one job). */
export function flinkScript(tables: readonly TableStatements[]): string {
  return [...tables.flatMap((t) => [t.source, t.sink]), ...tables.map((t) => t.insert)].join('\n\n') + '\n'
}
