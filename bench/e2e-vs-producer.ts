// End to end beside the bare producer, in the same run: a first sync of employees (client →
// mapping → fingerprints → Avro → one Kafka transaction per batch of pages, with its state
// records) against a bare kafkajs transactional producer sending pre-encoded records, two ways:
//  - the same Kafka work: the very records the sync wrote (its events and its state records, read
//    back from both topics) in the very same transactions (regrouped by the timestamp each of our
//    transactions stamps on all its records);
//  - the events alone, in those same transactions (what the issue first compared against: the
//    product's state records are then counted as our cost).
// PK_BENCH_E2E_EMPLOYEES (default 20,000) sizes the company; rate limits are off so the figure is
// our own cost. The simulator renders every page from its whole company (slower than Kafka), so the
// measured sync reads through a replay in its own process (bench/replay-server.ts), filled by a
// warm-up sync: real HTTP, real JSON, and none of the serving on our CPU, as with real Personio.
// PK_BENCH_PROFILE=<dir> writes a CPU profile of each measured sync there (open it in Chrome's
// DevTools). The goal (issue #9): end to end ≥ 0.8× the bare producer.
import '../src/kafka/kafkajs/aborted-filter'
import { spawn, type ChildProcess } from 'node:child_process'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs'
import { openEngine } from '../src/capture/engine/engine'
import { stateTopicFor } from '../src/capture/context'
import { loadConfig } from '../src/config'
import { createFeed } from '../src/kafka/kafkajs/feed'
import type { IncomingRecord } from '../src/kafka/port'
import { silentLogger } from '../src/ops/logger'
import { documentedLimits } from '../src/personio/rate-families'
import { startSimulator } from '../src/simulator'
import { ensureInfra } from '../src/infra'
import type { BenchFigure, BenchResult } from './run'

const EMPLOYEES = Number(process.env.PK_BENCH_E2E_EMPLOYEES ?? 20_000)
const SIZES = (process.env.PK_BENCH_E2E_TX ?? '120,1000').split(',').map(Number)
const PROFILE_DIR = process.env.PK_BENCH_PROFILE

/** bench/replay-server.ts in a child process; resolves with its URL. */
async function startReplay(target: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'replay-server.ts'), target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim()))
    child.once('exit', (code) => reject(new Error(`replay server exited (${String(code)})`)))
  })
  return { url, child }
}

/** One transaction's records per topic, in the order they were written. */
type Transaction = Map<string, Message[]>

async function readBack(kafka: Kafka, topics: string[]): Promise<IncomingRecord[]> {
  const out: IncomingRecord[] = []
  await createFeed(kafka, { groupId: `bench-read-${Date.now()}`, topics, untilCaughtUp: true }).run(
    async (b) => {
      out.push(...b.records)
    },
  )
  return out
}

const message = (r: IncomingRecord): Message => ({
  key: r.key,
  value: r.value,
  headers: r.headers,
  timestamp: String(r.timestamp),
})

/**
 * Our transactions as they were: every record of one transaction carries the same timestamp (and
 * the timestamps of one resource never go backwards), so grouping by it rebuilds them exactly.
 */
function transactionsOf(
  records: readonly IncomingRecord[],
  rename: (topic: string) => string,
): Transaction[] {
  const byTimestamp = new Map<number, Transaction>()
  for (const r of records) {
    let tx = byTimestamp.get(r.timestamp)
    if (tx === undefined) byTimestamp.set(r.timestamp, (tx = new Map()))
    const topic = rename(r.topic)
    tx.set(topic, [...(tx.get(topic) ?? []), message(r)])
  }
  return [...byTimestamp].sort(([a], [b]) => a - b).map(([, tx]) => tx)
}

/** The same transactions with one topic's records only. */
const only = (transactions: readonly Transaction[], topic: string): Transaction[] =>
  transactions.map((tx) => new Map([...tx].filter(([t]) => t === topic)))

/** A bare kafkajs transactional producer (the sink's settings) sending `transactions`; seconds taken. */
async function bareProducer(kafka: Kafka, transactions: readonly Transaction[], id: string): Promise<number> {
  const topics = new Set(transactions.flatMap((tx) => [...tx.keys()]))
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({
    topics: [...topics].map((topic) => ({
      topic,
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    })),
  })
  await admin.disconnect()
  const producer = kafka.producer({
    idempotent: true,
    transactionalId: `bench-bare-${id}`,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { initialRetryTime: 25, retries: 10, maxRetryTime: 5_000 },
  })
  await producer.connect()
  const started = process.hrtime.bigint()
  for (const messages of transactions) {
    const tx = await producer.transaction()
    await tx.sendBatch({
      topicMessages: [...messages].map(([topic, m]) => ({ topic, messages: m })),
      acks: -1,
    })
    await tx.commit()
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await producer.disconnect()
  return seconds
}

async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (PROFILE_DIR === undefined) return work()
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  try {
    return await work()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}

export async function endToEndVsProducer(): Promise<BenchResult> {
  // The client paces /company/employees at Personio's documented 300/min whatever the server says
  // (≈ 500 records/s at 100 per page), and all of v1 at 2,000/min: lifted for this process only,
  // so the figure is our own cost.
  const saved = { employees: documentedLimits.employees, global: documentedLimits['v1-global'] }
  documentedLimits.employees = { rate: 1_000_000, burst: 1_000_000 }
  documentedLimits['v1-global'] = { rate: 1_000_000, burst: 1_000_000 }
  const infra = await ensureInfra()
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 0,
    absencePeriodsPerEmployee: 0,
    attendancesPerEmployee: 0,
    reports: 0,
    rateLimits: false,
    realClock: true,
  })
  const kafka = new Kafka({ brokers: infra.brokers, clientId: 'bench', logLevel: logLevel.NOTHING })
  const figures: BenchFigure[] = []
  let replay: Awaited<ReturnType<typeof startReplay>> | undefined
  try {
    replay = await startReplay(sim.url)
    const personio = replay.url
    const envFor = (prefix: string, perTx: number) => ({
      KAFKA_BROKERS: infra.brokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      PERSONIO_BASE_URL: personio,
      PERSONIO_CLIENT_ID: 'sim-client',
      PERSONIO_CLIENT_SECRET: 'sim-secret',
      TOPIC_PREFIX: prefix,
      TOPIC_PARTITIONS: '1',
      TOPIC_REPLICATION_FACTOR: '1',
      TRANSACTION_MAX_RECORDS: String(perTx),
      LOG_LEVEL: 'silent',
    })
    // warm-up: fills the replay with every page the sync asks for
    const warm = await openEngine({
      config: loadConfig({ env: envFor(`benchwarm${Date.now().toString(36)}`, 1000) }),
      logger: silentLogger,
      only: ['employees'],
    })
    await warm.syncOnce()
    await warm.close()
    for (const perTx of SIZES) {
      const prefix = `benche2e${perTx}x${Date.now().toString(36)}`
      const config = loadConfig({ env: envFor(prefix, perTx) })
      const engine = await openEngine({ config, logger: silentLogger, only: ['employees'] })
      let committed = 0
      const count = () => void (committed += 1)
      subscribe('personio-kafka:kafka:transaction', count)
      const cpu = process.cpuUsage()
      const started = process.hrtime.bigint()
      const events = await profiled(`e2e-${perTx}`, () => engine.syncOnce())
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const { user, system } = process.cpuUsage(cpu)
      unsubscribe('personio-kafka:kafka:transaction', count)
      await engine.close()
      const published = events.reduce(
        (n, e) => n + (e.kind === 'cycle' && 'published' in e.report ? e.report.published.r : 0),
        0,
      )
      if (published !== EMPLOYEES) throw new Error(`published ${published} of ${EMPLOYEES}`)
      const entityTopic = `${prefix}.employees`
      const written = await readBack(kafka, [entityTopic, stateTopicFor(prefix)])
      const events$ = written.filter((r) => r.topic === entityTopic)
      const same = transactionsOf(written, (t) => `${t}.bare`)
      // Two commits in one millisecond would share a timestamp and merge: then the layout is not ours.
      if (same.length !== committed)
        throw new Error(`rebuilt ${same.length} transactions from the timestamps, the sync made ${committed}`)
      const sameSeconds = await bareProducer(kafka, same, `${prefix}-same`)
      const eventsOnly = only(
        transactionsOf(events$, (t) => `${t}.bare-events`),
        `${entityTopic}.bare-events`,
      )
      const eventsOnlySeconds = await bareProducer(kafka, eventsOnly, `${prefix}-events`)
      const rate = (s: number) => Math.round(published / s)
      figures.push(
        {
          name: `end to end, TRANSACTION_MAX_RECORDS=${perTx}: ${committed} tx, ${written.length} records`,
          value: rate(seconds),
          unit: 'events/s',
        },
        {
          name: `  CPU of the sync process per event (user + system)`,
          value: Math.round((user + system) / published),
          unit: 'µs',
        },
        {
          name: `  bare producer, the same records in the same transactions`,
          value: rate(sameSeconds),
          unit: 'events/s',
        },
        {
          name: `  ratio, same Kafka work (goal ≥ 0.8)`,
          value: Number((sameSeconds / seconds).toFixed(2)),
          unit: '×',
        },
        {
          name: `  bare producer, the events alone, in the same transactions`,
          value: rate(eventsOnlySeconds),
          unit: 'events/s',
        },
        {
          name: `  ratio, events alone (goal ≥ 0.8)`,
          value: Number((eventsOnlySeconds / seconds).toFixed(2)),
          unit: '×',
        },
      )
    }
  } finally {
    replay?.child.kill()
    documentedLimits.employees = saved.employees
    documentedLimits['v1-global'] = saved.global
    await sim.close()
  }
  return {
    bench: 'e2e-vs-producer',
    figures,
    notes:
      `${EMPLOYEES} employees read through the replay (its own process), the client's own employees limiter lifted, ` +
      'one partition. End to end counts from syncOnce to the last commit; each of its transactions carries one ' +
      'state record per event (fingerprint) and a cursor besides the events.',
  }
}

if (require.main === module) void endToEndVsProducer().then((r) => console.log(JSON.stringify(r, null, 2)))
