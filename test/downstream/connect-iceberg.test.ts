// Kafka Connect into Apache Iceberg (issue #29): the Iceberg sink (1.9.2, Maven Central) writes all
// ten topics into a local catalog (JdbcCatalog on SQLite, files on disk), and pyiceberg (PyPI), a
// reader we did not write, reads them back through the same catalog. The sink is append-only: the
// newest row per key must equal the simulator; deleted keys stay (tombstones are skipped), which
// docs/sinks.md says. Alone: `npm run test:downstream`.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { createSchemaRegistry } from '../../src/contract/registry'
import { keySubject, topicFor, valueSubject } from '../../src/contract/naming'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { resourceNames, resources, type RecordValue, type ResourceName } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import {
  connectLayout,
  ensureIcebergJars,
  ensureIcebergPython,
  javaHomeBefore23,
  startConnect,
  type RunningConnect,
} from '../../scripts/downstream/connect'
import { icebergSinkConfig } from '../../scripts/downstream/connect-config'
import { columnsOf } from '../../scripts/downstream/flink-sql'
import { testInfra, uniqueName } from '../infra/env'
import { differences, expectedRecords, identity, type Rows } from './expected'
import { runSyncOnce, syncEnvFor, type SyncEnv } from './run-sync-once'

const run = promisify(execFile)

jest.setTimeout(240_000)

/** Table metadata files under the warehouse: one more each time the sink commits to a table. */
function metadataFiles(dir: string): number {
  if (!existsSync(dir)) return 0
  let n = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name.endsWith('.metadata.json')) n += 1
  return n
}

describe('downstream > Kafka Connect: the Iceberg sink writes tables pyiceberg reads back equal to the simulator', () => {
  const { brokers, registryUrl } = testInfra()
  const prefix = uniqueName('iceberg')
  const registry = createSchemaRegistry({ url: registryUrl })
  const folder = join(connectLayout.runs, `${prefix}-iceberg`)
  const keys = Object.fromEntries(resourceNames.map((n) => [n, [...resources[n].key]]))
  let sim: RunningSimulator
  let connect: RunningConnect
  let python: string
  let env: SyncEnv

  async function read(): Promise<Partial<Record<ResourceName, RecordValue[]>>> {
    const { stdout } = await run(
      python,
      [join(__dirname, 'connect_iceberg_read.py'), folder, prefix, JSON.stringify(keys)],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
    )
    return JSON.parse(stdout) as Partial<Record<ResourceName, RecordValue[]>>
  }

  async function expected(): Promise<Rows> {
    const latest = await registry.latest(valueSubject(topicFor(prefix, 'employees')))
    return expectedRecords(sim.company, JSON.parse(latest?.schema ?? '{}') as AvroRecordSchema)
  }

  /** Until the newest row per key equals `want` for every key `want` has; the last differences on timeout. */
  async function tablesFollow(want: Rows, timeoutMs = 90_000): Promise<string[]> {
    const columns = Object.fromEntries(
      await Promise.all(
        resourceNames.map(async (n) => {
          const topic = topicFor(prefix, n)
          const [key, value] = await Promise.all([
            registry.latest(keySubject(topic)),
            registry.latest(valueSubject(topic)),
          ])
          return [n, columnsOf(JSON.parse(key?.schema ?? '{}'), JSON.parse(value?.schema ?? '{}'))]
        }),
      ),
    )
    const deadline = Date.now() + timeoutMs
    let diff: string[] = []
    let commitsRead = -1
    while (Date.now() < deadline) {
      const { states, failures } = await connect.status(`${prefix}-iceberg`)
      if (failures.length > 0) return [`the sink failed (${states.join(', ')}):`, ...failures]
      // a read (a Python process importing pyarrow) only when the sink committed since the last
      // one: each commit writes a table metadata file, and reading costs a core for a second
      const commits = metadataFiles(join(folder, 'warehouse'))
      if (commits === commitsRead) {
        await new Promise((r) => setTimeout(r, 500))
        continue
      }
      commitsRead = commits
      let got: Partial<Record<ResourceName, RecordValue[]>>
      try {
        got = await read()
      } catch (error) {
        // a read racing a commit on a loaded machine: say so if it is the last word, else retry
        diff = [`pyiceberg failed: ${(error as Error).message.slice(0, 2000)}`]
        commitsRead = -1 // read again, committed or not
        await new Promise((r) => setTimeout(r, 2000))
        continue
      }
      diff = resourceNames.flatMap((n) => {
        const rows = got[n]
        if (rows === undefined) return [`${n}: no table yet`]
        const live = new Set(want[n].map((r) => identity(keys[n] as string[], r)))
        const current = rows.filter((r) => live.has(identity(keys[n] as string[], r)))
        return differences(n, columns[n] ?? [], keys[n] as string[], want[n], current)
      })
      if (diff.length === 0) return []
    }
    return diff
  }

  beforeAll(async () => {
    const javaHome = javaHomeBefore23()
    if (javaHome === undefined) throw new Error('the Iceberg sink (Hadoop 3.4) needs a Java from 17 to 22')
    python = ensureIcebergPython()
    rmSync(folder, { recursive: true, force: true })
    mkdirSync(join(folder, 'warehouse'), { recursive: true })
    const controlTopic = `${prefix}._iceberg-control`
    // The broker does not create topics on demand; the sink's control topic is made here.
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: controlTopic, numPartitions: 1, replicationFactor: 1 }] })
    await admin.disconnect()
    const worker = ensureIcebergJars().then((plugins) =>
      startConnect(prefix, brokers.join(','), { javaHome, extraPluginPaths: [plugins] }),
    )
    sim = await startSimulator({ employees: 12, rateLimits: false, reports: 3, customAttributes: 4 })
    env = syncEnvFor(sim, prefix)
    const [started, synced] = await Promise.allSettled([worker, runSyncOnce(env)])
    if (started.status === 'fulfilled') connect = started.value
    if (started.status === 'rejected') throw started.reason
    if (synced.status === 'rejected') throw synced.reason
    await connect.putConnector(
      `${prefix}-iceberg`,
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
    await connect?.stop()
    await sim?.close()
    rmSync(folder, { recursive: true, force: true })
  })

  it('every topic becomes an Iceberg table whose newest row per key equals the simulator', async () => {
    expect(await tablesFollow(await expected())).toEqual([])
  })

  it('after changes the newest rows follow; deleted keys stay, as the append-only sink skips tombstones', async () => {
    const c = sim.company
    c.clock.advance(3_600_000)
    const [e1, e2] = c.list('employees')
    c.update('employees', (e1 as { id: number }).id, { position: 'Head of Lakes' })
    c.remove('employees', (e2 as { id: number }).id)
    c.update('timeOffTypes', (c.list('timeOffTypes')[0] as { id: number }).id, { name: 'Renamed leave' })
    await runSyncOnce(env)
    expect(await tablesFollow(await expected())).toEqual([])
    const employees = (await read()).employees ?? []
    expect(employees.some((r) => r.id === (e2 as { id: number }).id)).toBe(true)
  })
})
