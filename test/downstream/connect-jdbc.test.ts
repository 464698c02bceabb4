// Kafka Connect reads our topics (issue #29): a real distributed worker (connect-runtime from Maven
// Central, internal topics on our broker) runs the Debezium JDBC sink for all ten topics with
// Apicurio's AvroConverter reading the Confluent-framed keys and values through our registry.
// simulator company → sync → every PostgreSQL table equals the simulator (the oracle in
// expected.ts) → changes and deletes → sync → rows follow, deleted rows gone (tombstones) → a new
// custom attribute → sync → a new column, filled → keys switched to KEY_FORMAT=string → refused by
// the product before the sink sees a second key for a row. Alone: `npm run test:downstream`.
import { createSchemaRegistry } from '../../src/contract/registry'
import { keySubject, topicFor, valueSubject } from '../../src/contract/naming'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { resourceNames, resources, type RecordValue, type ResourceName } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { tail } from '../../src/infra/processes'
import { startConnect, type RunningConnect } from '../../scripts/downstream/connect'
import { jdbcSinkConfig, sinkTable } from '../../scripts/downstream/connect-config'
import { columnsOf, type Column } from '../../scripts/downstream/flink-sql'
import { startPostgres, type RunningPostgres } from '../../scripts/downstream/postgres'
import { testInfra, uniqueName } from '../infra/env'
import { differences, expectedRecords, type Rows } from './expected'
import { changeEveryResource } from './changes'
import { runSyncOnce, syncEnvFor, type SyncEnv } from './run-sync-once'

jest.setTimeout(240_000)

interface SinkTable {
  resource: ResourceName
  table: string
  key: string[]
  columns: Column[]
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

describe('downstream > Kafka Connect: the Debezium JDBC sink keeps a PostgreSQL table per topic equal to the simulator', () => {
  const { brokers, registryUrl } = testInfra()
  const prefix = uniqueName('connect')
  const registry = createSchemaRegistry({ url: registryUrl })
  const connector = `${prefix}-jdbc`
  let sim: RunningSimulator
  let pg: RunningPostgres
  let connect: RunningConnect
  let env: SyncEnv

  /** Each resource's key and columns from the schemas the registry holds now. */
  async function sinkTables(): Promise<SinkTable[]> {
    return Promise.all(
      resourceNames.map(async (resource) => {
        const topic = topicFor(prefix, resource)
        const key = await registry.latest(keySubject(topic))
        const value = await registry.latest(valueSubject(topic))
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

  /** The columns the sink created, by name → PostgreSQL data type. */
  function pgColumns(table: string): Map<string, string> {
    const out = pg.psql(
      `SELECT column_name || '|' || data_type FROM information_schema.columns WHERE table_name = '${table}';`,
    )
    return new Map(
      out
        .trim()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('|') as [string, string]),
    )
  }

  /** A sink table's rows, each column back under its field name in the oracle's comparable form. */
  function readTable(t: SinkTable): RecordValue[] | undefined {
    const have = pgColumns(t.table)
    if (have.size === 0) return undefined // not created yet
    const select = t.columns.map((c) => {
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
    const out = pg.psql(
      `SELECT coalesce(json_agg(t), '[]') FROM (SELECT ${select.join(', ')} FROM ${quote(t.table)}) t;`,
    )
    return JSON.parse(out) as RecordValue[]
  }

  async function expected(): Promise<Rows> {
    const latest = await registry.latest(valueSubject(topicFor(prefix, 'employees')))
    return expectedRecords(sim.company, JSON.parse(latest?.schema ?? '{}') as AvroRecordSchema)
  }

  /** Waits until every table equals `want` (the sink is asynchronous); else the last differences. */
  async function tablesFollow(want: Rows, timeoutMs = 90_000): Promise<string[]> {
    const tables = await sinkTables()
    const deadline = Date.now() + timeoutMs
    let diff: string[] = []
    while (Date.now() < deadline) {
      const { states, failures } = await connect.status(connector)
      if (failures.length > 0) return [`the sink failed (${states.join(', ')}):`, ...failures]
      if (connect.process.exitCode !== null)
        return [`the worker exited (${connect.process.exitCode}):\n${tail(connect.log, 0, 30)}`]
      diff = tables.flatMap((t) => {
        const rows = readTable(t)
        return rows === undefined
          ? [`${t.table}: no table yet`]
          : differences(t.resource, t.columns, t.key, want[t.resource], rows)
      })
      if (diff.length === 0) return []
      await new Promise((r) => setTimeout(r, 1000))
    }
    return diff
  }

  beforeAll(async () => {
    // The worker's JVM and PostgreSQL start while the simulator's company is captured.
    const worker = startConnect(prefix, brokers.join(','))
    const database = startPostgres(prefix)
    sim = await startSimulator({ employees: 12, rateLimits: false, reports: 3, customAttributes: 4 })
    env = syncEnvFor(sim, prefix)
    const synced = runSyncOnce(env)
    const started = await Promise.allSettled([worker, database, synced])
    if (started[0].status === 'fulfilled') connect = started[0].value
    if (started[1].status === 'fulfilled') pg = started[1].value
    const failed = started.find((s) => s.status === 'rejected')
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
    await connect.putConnector(
      connector,
      jdbcSinkConfig({
        prefix,
        resources: resourceNames,
        jdbcUrl: pg.jdbcUrl,
        user: pg.user,
        password: 'unused-with-trust-auth',
        registryUrl,
      }),
    )
  }, 300_000)

  afterAll(async () => {
    await connect?.deleteConnector(connector).catch(() => undefined)
    await connect?.stop()
    await pg?.stop()
    await sim?.close()
  })

  it('every topic becomes a table equal to the simulator, keyed by the key record, typed columns', async () => {
    expect(await tablesFollow(await expected())).toEqual([])
    const employees = pgColumns(sinkTable(prefix, 'employees'))
    // Avro logical types arrive as SQL types, not as numbers: the converter maps them, the sink keeps them.
    expect({
      hire_date: employees.get('hire_date'),
      last_modified_at: employees.get('last_modified_at'),
      fix_salary: employees.get('fix_salary'),
      __op: employees.get('__op'),
    }).toEqual({
      hire_date: 'date',
      last_modified_at: expect.stringMatching(/^timestamp/),
      fix_salary: 'numeric',
      __op: 'text',
    })
    const key = pg.psql(
      `SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '${quote(sinkTable(prefix, 'employees_absences_balance'))}'::regclass AND i.indisprimary;`,
    )
    expect(key.trim()).toBe('employee_id,id')
  })

  it('changes and deletes in Personio: after a sync the rows follow and the deleted rows are gone', async () => {
    const { changed } = changeEveryResource(sim.company, 'Head of Sinks', 98765.43)
    const before = pg.psql(`SELECT count(*) FROM ${quote(sinkTable(prefix, 'employees'))};`)

    await runSyncOnce(env)
    expect(await tablesFollow(await expected())).toEqual([])
    const employees = quote(sinkTable(prefix, 'employees'))
    expect(Number(pg.psql(`SELECT count(*) FROM ${employees};`))).toBe(Number(before) - 1)
    // the metadata columns carry the event: the changed employee's row is an update
    const id = changed
    expect(
      pg
        .psql(
          `SELECT "__op" || '/' || coalesce("__deleted"::text, 'null') FROM ${employees} WHERE id = ${id};`,
        )
        .trim(),
    ).toBe('u/null')
  })

  it('a new custom attribute becomes a new column (schema.evolution=basic), filled where employees have a value', async () => {
    const added = sim.company.addCustomAttribute({ label: 'Sink shoe size', type: 'integer' })
    await runSyncOnce(env)
    expect(await tablesFollow(await expected())).toEqual([])
    expect(pgColumns(sinkTable(prefix, 'employees')).get('sink_shoe_size')).toBe('bigint')
    // the comparison above covered the column row by row; it must not be all nulls on both sides
    const filled = sim.company.list('employees').filter((e) => (e.custom[added.key] ?? null) !== null)
    expect(filled.length).toBeGreaterThan(0)
    const table = quote(sinkTable(prefix, 'employees'))
    expect(Number(pg.psql(`SELECT count(sink_shoe_size) FROM ${table};`))).toBe(filled.length)
  })
  it('a key whose encoding would change (KEY_FORMAT=string on Avro-keyed topics) is refused before the sink sees it', async () => {
    const c = sim.company
    c.clock.advance(3_600_000)
    const employee = c.list('employees')[0] as { id: number }
    c.update('employees', employee.id, { position: 'Head of Keys' })
    const singleKeyed = resourceNames.filter((n) => resources[n].key.length === 1)
    // string keys beside the Avro ones would be a second row per record (the sink, given them,
    // stops with "Tolerance exceeded in error handler"): the product refuses in one line, exit 2
    const refused = await runSyncOnce({
      ...env,
      KEY_FORMAT: 'string',
      CAPTURE_RESOURCES: singleKeyed.join(','),
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    )
    expect(refused?.code).toBe(2)
    expect(refused?.stderr).toMatch(/KEY_FORMAT.*string, but \S+ was written with Avro keys/)
    expect((await connect.status(connector)).failures).toEqual([])
    // the frozen format carries the change, one row per key
    await runSyncOnce(env)
    expect(await tablesFollow(await expected())).toEqual([])
    const table = quote(sinkTable(prefix, 'employees'))
    expect(Number(pg.psql(`SELECT count(*) FROM ${table} WHERE id = ${employee.id};`))).toBe(1)
  })
})
