// End to end: a snapshot of a simulated company into the real local Kafka and registry (started by
// src/infra if needed), with the simulator's rate limits off so the figure is our own cost:
// records per second through client → mapping → Avro → Kafka transactions.
import { openEngine } from '../src/capture/engine/engine'
import { loadConfig } from '../src/config'
import { silentLogger } from '../src/ops/logger'
import { startSimulator } from '../src/simulator'
import { ensureInfra } from '../src/infra'
import type { BenchResult } from './run'

const EMPLOYEES = 2_000

export async function snapshotEndToEnd(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 3,
    attendancesPerEmployee: 5,
    reports: 1,
    rateLimits: false,
    realClock: true,
  })
  try {
    const config = loadConfig({
      env: {
        KAFKA_BROKERS: infra.brokers.join(','),
        SCHEMA_REGISTRY_URL: infra.registryUrl,
        PERSONIO_BASE_URL: sim.url,
        PERSONIO_CLIENT_ID: 'sim-client',
        PERSONIO_CLIENT_SECRET: 'sim-secret',
        TOPIC_PREFIX: `bench${Date.now().toString(36)}`,
        TOPIC_REPLICATION_FACTOR: '1',
        LOG_LEVEL: 'silent',
      },
    })
    const only = ['employees', 'absences', 'attendances'] as const
    const started = process.hrtime.bigint()
    const engine = await openEngine({ config, logger: silentLogger, only })
    const events = await engine.syncOnce()
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    await engine.close()
    const reports = events.flatMap((e) => (e.kind === 'cycle' && 'published' in e.report ? [e.report] : []))
    const records = reports.reduce((n, r) => n + r.published.r, 0)
    return {
      bench: 'snapshot-e2e',
      figures: [
        {
          name: `snapshot employees+absences+attendances (${records} records)`,
          value: Number(seconds.toFixed(2)),
          unit: 's',
        },
        { name: 'throughput, rate limits off', value: Math.round(records / seconds), unit: 'records/s' },
        {
          name: 'pages read',
          value: reports.reduce((n, r) => n + r.pages, 0),
          unit: 'pages',
        },
      ],
      notes:
        "With Personio's real limits the employees listing alone is bounded at 5 requests/s; see personio-list.",
    }
  } finally {
    await sim.close()
  }
}

if (require.main === module) void snapshotEndToEnd().then((r) => console.log(JSON.stringify(r, null, 2)))
