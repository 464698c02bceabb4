// Real consumers we did not write turn the topics into tables that equal Personio (issue #12):
// Confluent's Python deserializers (confluent-kafka, SchemaRegistryClient + AvroDeserializer,
// read_committed) and Flink SQL (upsert-kafka tables with avro-confluent keys and values, so a
// tombstone deletes the row) materialised into PostgreSQL through Flink's JDBC connector.
// simulator company → sync → tables equal the simulator column by column → changes and deletes →
// sync → the tables follow, deleted rows gone → a new custom attribute → a new column.
// Alone: `npm run test:downstream`.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSchemaRegistry } from '../../src/contract/registry'
import { keySubject, topicFor, valueSubject } from '../../src/contract/naming'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { resourceNames, resources, type RecordValue, type ResourceName } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { ensureFlinkProgram, startFlinkJob, type RunningFlinkJob } from '../../scripts/downstream/flink'
import {
  flinkScript,
  postgresReserved,
  tableStatements,
  type TableStatements,
} from '../../scripts/downstream/flink-sql'
import { downstreamLayout } from '../../scripts/downstream/layout'
import { startPostgres, type RunningPostgres } from '../../scripts/downstream/postgres'
import { ensureConfluentPython } from '../../scripts/downstream/python'
import { tail } from '../../src/infra/processes'
import { testInfra, uniqueName } from '../infra/env'
import { differences, expectedRecords, identity, metadataDisagreements, type Rows } from './expected'
import { readPostgres, readWithConfluent } from './readers'
import { runSyncOnce, syncEnvFor, type SyncEnv } from './run-sync-once'
import { changeEveryResource } from './changes'

jest.setTimeout(300_000)

describe('downstream > Confluent deserializers and Flink SQL into PostgreSQL equal the simulator', () => {
  const { brokers, registryUrl } = testInfra()
  const prefix = uniqueName('down')
  const registry = createSchemaRegistry({ url: registryUrl })
  let sim: RunningSimulator
  let pg: RunningPostgres
  let python: string
  let env: SyncEnv
  let job: RunningFlinkJob | undefined
  let tables: TableStatements[] = []

  /** The statements for every resource, from the schemas the registry holds now. */
  async function registeredTables(): Promise<TableStatements[]> {
    return Promise.all(
      resourceNames.map(async (name) => {
        const topic = topicFor(prefix, name)
        const key = await registry.latest(keySubject(topic))
        const value = await registry.latest(valueSubject(topic))
        if (key === undefined || value === undefined) throw new Error(`${topic}: no schemas registered`)
        return tableStatements(name, JSON.parse(key.schema), JSON.parse(value.schema), {
          brokers: brokers.join(','),
          registryUrl,
          jdbcUrl: pg.jdbcUrl,
          jdbcUser: pg.user,
          jdbcPassword: 'unused-with-trust-auth',
          prefix,
        })
      }),
    )
  }

  async function startJob(name: string): Promise<void> {
    mkdirSync(downstreamLayout.logs, { recursive: true })
    const file = join(downstreamLayout.logs, `${prefix}-${name}.sql`) // kept beside the job's log
    writeFileSync(file, flinkScript(tables))
    job = startFlinkJob(file, `${prefix}-${name}`)
    await job.running
  }

  async function employeesSchema(): Promise<AvroRecordSchema> {
    const latest = await registry.latest(valueSubject(topicFor(prefix, 'employees')))
    return JSON.parse(latest?.schema ?? '{}') as AvroRecordSchema
  }

  async function expected(): Promise<Rows> {
    return expectedRecords(sim.company, await employeesSchema())
  }

  async function confluentView(): Promise<Record<ResourceName, RecordValue[]>> {
    const topics = resourceNames.map((n) => topicFor(prefix, n))
    const view = await readWithConfluent(python, brokers.join(','), registryUrl, topics)
    return Object.fromEntries(
      resourceNames.map((n) => [n, (view[topicFor(prefix, n)] ?? []).map((kv) => kv.value)]),
    ) as Record<ResourceName, RecordValue[]>
  }

  function confluentDifferences(want: Rows, view: Record<ResourceName, RecordValue[]>): string[] {
    return tables.flatMap((t) =>
      differences(
        t.resource,
        t.columns,
        t.key,
        want[t.resource as ResourceName],
        view[t.resource as ResourceName],
      ),
    )
  }

  /** Waits until every PostgreSQL table equals `want` (Flink is asynchronous); the last differences on timeout. */
  async function postgresFollows(want: Rows, timeoutMs = 120_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs
    let diff: string[] = []
    while (Date.now() < deadline) {
      if (job !== undefined && job.process.exitCode !== null)
        return [`the Flink job ended (exit ${job.process.exitCode}):\n${tail(job.log, 30)}`]
      diff = tables.flatMap((t) =>
        differences(t.resource, t.columns, t.key, want[t.resource as ResourceName], readPostgres(pg, t)),
      )
      if (diff.length === 0) return []
      await new Promise((r) => setTimeout(r, 1000))
    }
    return diff
  }

  beforeAll(async () => {
    // Provisioning first (downloads on a fresh machine), then the company and its first sync.
    python = ensureConfluentPython()
    ensureFlinkProgram()
    sim = await startSimulator({ employees: 12, rateLimits: false, reports: 3, customAttributes: 4 })
    env = syncEnvFor(sim, prefix)
    await runSyncOnce(env)
    pg = await startPostgres(prefix)
    tables = await registeredTables()
    pg.psql(tables.map((t) => t.postgres).join('\n'))
    await startJob('v1')
  }, 400_000)

  afterAll(async () => {
    await job?.stop()
    await pg?.stop()
    await sim?.close()
  })

  it('Confluent’s AvroDeserializer reads every topic, keys and values, equal to the simulator', async () => {
    const want = await expected()
    const view = await confluentView()
    for (const name of resourceNames)
      expect({ name, rows: view[name].length > 0 }).toEqual({ name, rows: true })
    expect(confluentDifferences(want, view)).toEqual([])
  })

  it('Flink SQL keeps a PostgreSQL table per topic equal to the simulator, column by column', async () => {
    expect(await postgresFollows(await expected())).toEqual([])
    // …and on the event metadata the two readers agree with each other (__op, __source_ts_ms, …).
    const view = await confluentView()
    const disagree = tables.flatMap((t) =>
      metadataDisagreements(
        t.resource,
        t.columns,
        t.key,
        view[t.resource as ResourceName],
        readPostgres(pg, t),
      ),
    )
    expect(disagree.slice(0, 10)).toEqual([])
  })

  it('the typed fields equal the simulator’s own model: timestamps, dates, decimals, booleans, custom attributes', async () => {
    const byId = (t: TableStatements) => new Map(readPostgres(pg, t).map((r) => [r.id, r]))
    const employees = byId(tables.find((t) => t.resource === 'employees') as TableStatements)
    const custom = sim.company.customAttributes
    const schema = await employeesSchema()
    for (const e of sim.company.list('employees')) {
      const row = employees.get(e.id) as RecordValue
      expect(row.last_modified_at).toBe(Math.floor(e.lastModifiedAt / 1000) * 1000)
      expect(row.hire_date).toBe(new Date(e.hireDate * 86_400_000).toISOString().slice(0, 10))
      expect(row.fix_salary).toBe(e.fixSalary === null ? null : e.fixSalary.toFixed(2))
      for (const def of custom) {
        const field = schema.fields.find((f) => f['personio.attribute'] === def.key)
        expect(field).toBeDefined()
        const raw = e.custom[def.key]
        const got = row[field?.name as string]
        if (def.type === 'date')
          expect(got).toBe(raw ?? null) // Personio sends custom dates as YYYY-MM-DD
        else if (raw === null || raw === undefined || raw === '') expect(got ?? '').toBe(raw ?? '')
        else expect(String(got)).toBe(String(raw))
      }
    }
    const types = byId(tables.find((t) => t.resource === 'absence_types') as TableStatements)
    for (const t of sim.company.list('timeOffTypes'))
      expect(types.get(t.id)?.approval_required).toBe(t.approvalRequired)
  })

  it('PostgreSQL reserves exactly the key words the sink statements avoid', () => {
    const words = pg.psql("SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T') ORDER BY word;")
    expect(words.trim().split('\n').sort()).toEqual([...postgresReserved].sort())
  })

  it('changes and deletes in Personio: after a sync the tables follow and deleted rows are gone', async () => {
    const before = await expected()
    changeEveryResource(sim.company, 'Head of Downstream', 123456.78)

    await runSyncOnce(env)
    const after = await expected()
    const gone: Partial<Record<ResourceName, RecordValue[]>> = {}
    for (const name of resourceNames) {
      const key = resources[name].key
      const still = new Set(after[name].map((r) => identity(key, r)))
      const lost = before[name].filter((r) => !still.has(identity(key, r)))
      if (lost.length > 0) gone[name] = lost.map((r) => Object.fromEntries(key.map((k) => [k, r[k]])))
    }
    // Every resource but absence types loses at least one row (the removed employee takes its balances).
    expect(Object.keys(gone).sort()).toEqual(resourceNames.filter((n) => n !== 'absence_types').sort())

    expect(confluentDifferences(after, await confluentView())).toEqual([])
    expect(await postgresFollows(after)).toEqual([])
  })

  it('a new custom attribute: a new field for Confluent readers, a new column after the Flink table is redeclared', async () => {
    const added = sim.company.addCustomAttribute({ label: 'Downstream shoe size', type: 'integer' })
    await runSyncOnce(env)
    const schema = await employeesSchema()
    const field = schema.fields.find((f) => f['personio.attribute'] === added.key)
    expect(field?.name).toBe('downstream_shoe_size')
    const want = await expected()
    const view = await confluentView()
    expect(confluentDifferences(want, view)).toEqual([])
    // Only employees with a value were published again; the others' events, written before the
    // field existed, lack it, which a reader takes as null (docs/contract.md "Schema evolution").
    for (const e of sim.company.list('employees'))
      expect(view.employees.find((r) => r.id === e.id)?.downstream_shoe_size ?? null).toBe(
        e.custom[added.key] ?? null,
      )

    // The running job keeps its declared columns: Avro schema resolution drops the new field, no failure.
    expect(await postgresFollows(want)).toEqual([])

    // Redeclared from the registry's newest schema, the table has the column, filled from the topic.
    await job?.stop()
    const old = new Set(tables.flatMap((t) => t.columns.map((col) => `${t.table}.${col.name}`)))
    tables = await registeredTables()
    const alter = tables.flatMap((t) =>
      t.columns
        .filter((col) => !old.has(`${t.table}.${col.name}`))
        .map((col) => `ALTER TABLE ${t.table} ADD COLUMN ${col.name} ${col.postgresType};`),
    )
    expect(alter).toEqual([`ALTER TABLE ${tables[0]?.table} ADD COLUMN downstream_shoe_size BIGINT;`])
    pg.psql(alter.join('\n'))
    await startJob('v2')
    expect(await postgresFollows(want)).toEqual([])
  })
})
