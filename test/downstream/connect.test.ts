// Kafka Connect reads our topics (issue #29): one real distributed worker (connect-runtime from
// Maven Central, internal topics on our broker) runs two sinks over the same ten topics of one
// captured company, both with Apicurio's AvroConverter reading the Confluent-framed keys and values
// through our registry:
// - the Debezium JDBC sink into PostgreSQL: every table equals the simulator (the oracle in
//   expected.ts) → changes and deletes → sync → rows follow, deleted rows gone (tombstones) → a new
//   custom attribute → sync → a new column, filled → keys switched to KEY_FORMAT=string → refused
//   by the product before the sink sees a second key for a row;
// - Apache Iceberg's sink (1.9.2) into a local catalog (JdbcCatalog on SQLite, files on disk), read
//   back by pyiceberg (PyPI), a reader we did not write, through the same catalog. The sink is
//   append-only: the newest row per key must equal the simulator; deleted keys stay (tombstones
//   are skipped), which docs/sinks.md says.
// One worker and one capture for both: a worker's start and a company's first sync are most of
// what a Connect test costs. Alone: `npm run test:downstream`.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { createSchemaRegistry } from '../../src/contract/registry'
import { topicFor, valueSubject } from '../../src/contract/naming'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { resourceNames, resources, type ResourceName } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { tail } from '../../src/infra/processes'
import {
  connectLayout,
  ensureIcebergJars,
  ensureIcebergPython,
  javaHomeBefore23,
  startConnect,
  type RunningConnect,
} from '../../scripts/downstream/connect'
import { icebergSinkConfig, jdbcSinkConfig, sinkTable } from '../../scripts/downstream/connect-config'
import { startPostgres, type RunningPostgres } from '../../scripts/downstream/postgres'
import { testInfra, uniqueName } from '../infra/env'
import { differences, expectedRecords, identity, type Rows } from './expected'
import { changeEveryResource } from './changes'
import { metadataFiles, startIcebergReader, type IcebergReader, type IcebergTables } from './iceberg-sink'
import { pgColumns, quote, readTables, sinkTables, type SinkTable } from './postgres-sink'
import { runSyncOnce, syncEnvFor, type SyncEnv } from './run-sync-once'

jest.setTimeout(240_000)

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('downstream > Kafka Connect: one worker runs the Debezium JDBC sink into PostgreSQL and the Iceberg sink, both equal to the simulator', () => {
  const { brokers, registryUrl } = testInfra()
  const prefix = uniqueName('connect')
  const registry = createSchemaRegistry({ url: registryUrl })
  const jdbc = `${prefix}-jdbc`
  const iceberg = `${prefix}-iceberg`
  const folder = join(connectLayout.runs, `${prefix}-iceberg`)
  const keys = Object.fromEntries(resourceNames.map((n) => [n, [...resources[n].key]])) as Record<
    ResourceName,
    string[]
  >
  let sim: RunningSimulator
  let pg: RunningPostgres
  let connect: RunningConnect
  let lake: IcebergReader
  let env: SyncEnv
  let removed: number

  async function expected(): Promise<Rows> {
    const latest = await registry.latest(valueSubject(topicFor(prefix, 'employees')))
    return expectedRecords(sim.company, JSON.parse(latest?.schema ?? '{}') as AvroRecordSchema)
  }

  /** A sink's failure, or the worker's exit, in words; undefined while it runs. */
  async function sinkFailure(connector: string): Promise<string[] | undefined> {
    const { states, failures } = await connect.status(connector)
    if (failures.length > 0) return [`${connector} failed (${states.join(', ')}):`, ...failures]
    if (connect.process.exitCode !== null)
      return [`the worker exited (${connect.process.exitCode}):\n${tail(connect.log, 0, 30)}`]
    return undefined
  }

  /** Waits until every PostgreSQL table equals `want` (the sink is asynchronous); else the last differences. */
  async function tablesFollow(want: Rows, timeoutMs = 90_000): Promise<string[]> {
    const tables = await sinkTables(registry, prefix)
    const deadline = Date.now() + timeoutMs
    let diff: string[] = []
    while (Date.now() < deadline) {
      const failed = await sinkFailure(jdbc)
      if (failed !== undefined) return failed
      const got = readTables(pg, tables)
      diff = tables.flatMap((t: SinkTable) => {
        const rows = got[t.resource]
        return rows === undefined
          ? [`${t.table}: no table yet`]
          : differences(t.resource, t.columns, t.key, want[t.resource], rows)
      })
      if (diff.length === 0) return []
      await pause(500)
    }
    return diff
  }

  /** Until the newest Iceberg row per key equals `want` for every key `want` has; the last differences on timeout. */
  async function lakeFollows(want: Rows, timeoutMs = 90_000): Promise<string[]> {
    const columns = new Map((await sinkTables(registry, prefix)).map((t) => [t.resource, t.columns]))
    const deadline = Date.now() + timeoutMs
    let diff: string[] = []
    let commitsRead = -1
    while (Date.now() < deadline) {
      const failed = await sinkFailure(iceberg)
      if (failed !== undefined) return failed
      // a read only when the sink committed since the last one: each commit writes a table
      // metadata file, and a read costs a core for a moment
      const commits = metadataFiles(join(folder, 'warehouse'))
      if (commits === commitsRead) {
        await pause(500)
        continue
      }
      commitsRead = commits
      let got: IcebergTables
      try {
        got = await lake.read()
      } catch (error) {
        // a read racing a commit on a loaded machine: say so if it is the last word, else retry
        diff = [`pyiceberg failed: ${(error as Error).message.slice(0, 2000)}`]
        commitsRead = -1 // read again, committed or not
        await pause(2000)
        continue
      }
      diff = resourceNames.flatMap((n) => {
        const rows = got[n]
        if (rows === undefined) return [`${n}: no table yet`]
        const live = new Set(want[n].map((r) => identity(keys[n], r)))
        const current = rows.filter((r) => live.has(identity(keys[n], r)))
        return differences(n, columns.get(n) ?? [], keys[n], want[n], current)
      })
      if (diff.length === 0) return []
    }
    return diff
  }

  beforeAll(async () => {
    // The Iceberg sink runs Hadoop 3.4, which Java 23+ refuses; the JDBC sink runs on it as well.
    const javaHome = javaHomeBefore23()
    if (javaHome === undefined) throw new Error('the Iceberg sink (Hadoop 3.4) needs a Java from 17 to 22')
    const python = ensureIcebergPython()
    rmSync(folder, { recursive: true, force: true })
    mkdirSync(join(folder, 'warehouse'), { recursive: true })
    const controlTopic = `${prefix}._iceberg-control`
    // The broker does not create topics on demand; the Iceberg sink's control topic is made here.
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: controlTopic, numPartitions: 1, replicationFactor: 1 }] })
    await admin.disconnect()
    // The worker's JVM and PostgreSQL start while the simulator's company is captured.
    const worker = ensureIcebergJars().then((plugins) =>
      startConnect(prefix, brokers.join(','), { javaHome, extraPluginPaths: [plugins] }),
    )
    const database = startPostgres(prefix)
    sim = await startSimulator({ employees: 12, rateLimits: false, reports: 3, customAttributes: 4 })
    env = syncEnvFor(sim, prefix)
    const started = await Promise.allSettled([worker, database, runSyncOnce(env)])
    if (started[0].status === 'fulfilled') connect = started[0].value
    if (started[1].status === 'fulfilled') pg = started[1].value
    const failed = started.find((s) => s.status === 'rejected')
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
    lake = startIcebergReader(python, folder, prefix, keys)
    await connect.putConnector(
      jdbc,
      jdbcSinkConfig({
        prefix,
        resources: resourceNames,
        jdbcUrl: pg.jdbcUrl,
        user: pg.user,
        password: 'unused-with-trust-auth',
        registryUrl,
      }),
    )
    await connect.putConnector(
      iceberg,
      icebergSinkConfig({
        prefix,
        resources: resourceNames,
        brokers: brokers.join(','),
        // WAL: pyiceberg reads while the sink commits; busy_timeout: wait for a lock, never fail on it
        catalogUri: `jdbc:sqlite:${join(folder, 'catalog.db')}?journal_mode=WAL&busy_timeout=30000`,
        warehouse: `file://${join(folder, 'warehouse')}`,
        controlTopic,
        registryUrl,
        commitIntervalMs: 2000,
      }),
    )
  }, 300_000)

  afterAll(async () => {
    await lake?.close()
    await connect?.stop()
    await pg?.stop()
    await sim?.close()
    rmSync(folder, { recursive: true, force: true })
  })

  it('JDBC: every topic becomes a table equal to the simulator, keyed by the key record, typed columns', async () => {
    expect(await tablesFollow(await expected())).toEqual([])
    const employees = pgColumns(pg, [sinkTable(prefix, 'employees')]).get(sinkTable(prefix, 'employees'))
    // Avro logical types arrive as SQL types, not as numbers: the converter maps them, the sink keeps them.
    expect({
      hire_date: employees?.get('hire_date'),
      last_modified_at: employees?.get('last_modified_at'),
      fix_salary: employees?.get('fix_salary'),
      __op: employees?.get('__op'),
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

  it('Iceberg: every topic becomes an Iceberg table whose newest row per key equals the simulator', async () => {
    expect(await lakeFollows(await expected())).toEqual([])
  })

  it('JDBC: changes and deletes in Personio: after a sync the rows follow and the deleted rows are gone', async () => {
    const employees = quote(sinkTable(prefix, 'employees'))
    const before = pg.psql(`SELECT count(*) FROM ${employees};`)
    const { changed, removed: gone } = changeEveryResource(sim.company, 'Head of Sinks', 98765.43)
    removed = gone

    await runSyncOnce(env)
    expect(await tablesFollow(await expected())).toEqual([])
    expect(Number(pg.psql(`SELECT count(*) FROM ${employees};`))).toBe(Number(before) - 1)
    // the metadata columns carry the event: the changed employee's row is an update
    expect(
      pg
        .psql(
          `SELECT "__op" || '/' || coalesce("__deleted"::text, 'null') FROM ${employees} WHERE id = ${changed};`,
        )
        .trim(),
    ).toBe('u/null')
  })

  it('Iceberg: after the same changes the newest rows follow; deleted keys stay, as the append-only sink skips tombstones', async () => {
    expect(removed).toBeDefined() // the changes of the JDBC step above
    expect(await lakeFollows(await expected())).toEqual([])
    const employees = (await lake.read()).employees ?? []
    expect(employees.some((r) => r.id === removed)).toBe(true)
  })

  it('JDBC: a new custom attribute becomes a new column (schema.evolution=basic), filled where employees have a value', async () => {
    const added = sim.company.addCustomAttribute({ label: 'Sink shoe size', type: 'integer' })
    await runSyncOnce(env)
    expect(await tablesFollow(await expected())).toEqual([])
    const table = sinkTable(prefix, 'employees')
    expect(pgColumns(pg, [table]).get(table)?.get('sink_shoe_size')).toBe('bigint')
    // the comparison above covered the column row by row; it must not be all nulls on both sides
    const filled = sim.company.list('employees').filter((e) => (e.custom[added.key] ?? null) !== null)
    expect(filled.length).toBeGreaterThan(0)
    expect(Number(pg.psql(`SELECT count(sink_shoe_size) FROM ${quote(table)};`))).toBe(filled.length)
  })

  it('a key whose encoding would change (KEY_FORMAT=string on Avro-keyed topics) is refused before either sink sees it', async () => {
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
    expect((await connect.status(jdbc)).failures).toEqual([])
    expect((await connect.status(iceberg)).failures).toEqual([])
    // the frozen format carries the change, one row per key
    await runSyncOnce(env)
    expect(await tablesFollow(await expected())).toEqual([])
    const table = quote(sinkTable(prefix, 'employees'))
    expect(Number(pg.psql(`SELECT count(*) FROM ${table} WHERE id = ${employee.id};`))).toBe(1)
  })
})
