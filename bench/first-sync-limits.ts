// The first sync of a company under Personio's real rate limits, then the idle cycle after it:
// wall time and requests of each, against the floor the limits allow. Employees and their absence
// balances share the `/company/employees` family (300/min, bursts of 15/s), so a first sync of N
// employees costs ≈ N/100 listing pages + N balance reads on that one bucket; time-offs and types
// are read on the generous v1 family at the same time. The idle cycle must cost only the
// incremental listings (no balance read when no employee or absence changed).
// PK_BENCH_EMPLOYEES (default 10,000: about 34 minutes at the limit) sizes the company.
import { openEngine } from '../src/capture/engine'
import { loadConfig } from '../src/config'
import { silentLogger } from '../src/ops/logger'
import type { ResourceName } from '../src/resources'
import { startSimulator, type RunningSimulator } from '../src/simulator'
import { personioLimits } from '../src/simulator/http/rate-limit'
import { ensureInfra } from '../src/infra'
import type { BenchResult } from './run'

const EMPLOYEES = Number(process.env.PK_BENCH_EMPLOYEES ?? 10_000)
const only: ResourceName[] = ['employees', 'absences', 'absence_types', 'employees_absences_balance']

const requestsOf = (sim: RunningSimulator) => {
  const byFamily: Record<string, number> = {}
  for (const [k, v] of Object.entries(sim.counters())) {
    const m = /^(.+) (\d{3})$/.exec(k)
    if (m !== null) byFamily[m[1] as string] = (byFamily[m[1] as string] ?? 0) + v
  }
  return { total: sim.counters().requests ?? 0, byFamily, throttled: sim.counters()['429'] ?? 0 }
}

export async function firstSyncLimits(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 2,
    absencePeriodsPerEmployee: 0,
    attendancesPerEmployee: 0,
    reports: 0,
    rateLimits: true,
  })
  const env = {
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
    TOPIC_PREFIX: `benchlimits${Date.now().toString(36)}`,
    TOPIC_REPLICATION_FACTOR: '1',
    LOG_LEVEL: 'silent',
  }
  const cycle = async () => {
    const before = requestsOf(sim)
    const started = process.hrtime.bigint()
    const engine = await openEngine({ config: loadConfig({ env }), logger: silentLogger, only })
    try {
      const events = await engine.syncOnce()
      const failed = events.filter((e) => e.kind !== 'cycle')
      if (failed.length > 0) throw new Error(`sync failed: ${JSON.stringify(failed)}`)
    } finally {
      await engine.close()
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const after = requestsOf(sim)
    const family = (f: string) => (after.byFamily[f] ?? 0) - (before.byFamily[f] ?? 0)
    return {
      seconds,
      requests: after.total - before.total,
      employeesFamily: family('employees'),
      throttled: after.throttled - before.throttled,
    }
  }
  try {
    const first = await cycle()
    const idle = await cycle()
    const { rate, burst } = personioLimits.employees as { rate: number; burst: number }
    // the floor: every request of the employees family at the bucket's pace after its burst
    const floor = (n: number) => Math.max(0, n - burst) / rate
    const pages = Math.ceil(EMPLOYEES / 100)
    return {
      bench: 'first-sync-limits',
      figures: [
        {
          name: `first sync of ${EMPLOYEES} employees, wall time`,
          value: Number(first.seconds.toFixed(1)),
          unit: 's',
        },
        { name: 'first sync, requests (all endpoints)', value: first.requests, unit: 'requests' },
        { name: 'first sync, /company/employees family', value: first.employeesFamily, unit: 'requests' },
        {
          name: `floor: ${pages} pages + ${EMPLOYEES} balances at ${rate}/s`,
          value: Number(floor(pages + EMPLOYEES).toFixed(1)),
          unit: 's',
        },
        { name: 'first sync, 429 answers', value: first.throttled, unit: 'responses' },
        { name: 'idle cycle after it, wall time', value: Number(idle.seconds.toFixed(2)), unit: 's' },
        { name: 'idle cycle, requests (all endpoints)', value: idle.requests, unit: 'requests' },
        { name: 'idle cycle, /company/employees family', value: idle.employeesFamily, unit: 'requests' },
        { name: 'idle cycle, 429 answers', value: idle.throttled, unit: 'responses' },
      ],
      notes: 'Each cycle is a fresh engine (restore from the state topic included), as `sync --once` runs.',
    }
  } finally {
    await sim.close()
  }
}

if (require.main === module) void firstSyncLimits().then((r) => console.log(JSON.stringify(r, null, 2)))
