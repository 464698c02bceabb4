// The first sync of a company under Personio's rate limits: wall time, requests and 429s, against
// the floor the limits allow. Cases (PK_BENCH_LIMIT_CASES, default all three):
// - `documented`: the simulator enforces Personio's documented figures and says them in its
//   x-ratelimit-* headers; then the idle cycle after the first sync, which must cost only the
//   incremental listings (no balance read when no employee or absence changed).
// - `double`, `half`: the employees and balance families' limits are hidden (no headers, as for
//   Personio's undocumented ones) at 2× and ½ the documented 5/s (bursts 30 and 8): the client
//   starts at 5/s and must learn the rest from the 429s alone.
// A first sync of N employees costs ≈ N/100 employee pages, the time-offs and types (v1), then N
// balance reads: the balance stage runs once the employee and absence events are published, so
// the floor is the slowest family of the listings plus the balance reads, each family's count of
// answered requests (429s aside) at its limit after its burst.
// PK_BENCH_EMPLOYEES (default 10,000: about 34 minutes at the documented limit, 67 at half) sizes it.
import { openEngine } from '../src/capture/engine/engine'
import { loadConfig } from '../src/config'
import { silentLogger } from '../src/ops/logger'
import type { ResourceName } from '../src/resources'
import { personioLimits, startSimulator, type BucketSpec, type RunningSimulator } from '../src/simulator'
import { ensureInfra } from '../src/infra'
import type { BenchFigure, BenchResult } from './run'

const EMPLOYEES = Number(process.env.PK_BENCH_EMPLOYEES ?? 10_000)
const CASES = (process.env.PK_BENCH_LIMIT_CASES ?? 'documented,double,half').split(',')
const only: ResourceName[] = ['employees', 'absences', 'absence_types', 'employees_absences_balance']

const hiddenCases: Record<string, Record<string, BucketSpec>> = {
  double: { employees: { rate: 10, burst: 30 }, balances: { rate: 10, burst: 30 } },
  half: { employees: { rate: 2.5, burst: 8 }, balances: { rate: 2.5, burst: 8 } },
}

/** Answers per family (`employees 200` …), and the 429s. */
function countsOf(sim: RunningSimulator) {
  const answered: Record<string, number> = {}
  const limited: Record<string, number> = {}
  for (const [k, v] of Object.entries(sim.counters())) {
    const m = /^(.+) (\d{3})$/.exec(k)
    if (m === null) continue
    const [family, status] = [m[1] as string, m[2] as string]
    if (status === '429') limited[family] = (limited[family] ?? 0) + v
    else answered[family] = (answered[family] ?? 0) + v
  }
  return { total: sim.counters().requests ?? 0, answered, limited, throttled: sim.counters()['429'] ?? 0 }
}
type Counts = ReturnType<typeof countsOf>

const minus = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]))

/** Seconds the limits allow at least: the listings' slowest family, then the balance reads. */
function floorOf(answered: Record<string, number>, limits: Record<string, BucketSpec>): number {
  const seconds = (family: string) => {
    const spec = limits[family]
    return spec === undefined ? 0 : Math.max(0, (answered[family] ?? 0) - spec.burst) / spec.rate
  }
  const listings = Math.max(...['employees', 'v1'].map(seconds))
  return listings + seconds('balances')
}

async function syncOnce(sim: RunningSimulator, env: Record<string, string>) {
  const before = countsOf(sim)
  const started = process.hrtime.bigint()
  const engine = await openEngine({ config: loadConfig({ env }), logger: silentLogger, only })
  const learned = await engine
    .syncOnce()
    .then((events) => {
      const failed = events.filter((e) => e.kind !== 'cycle')
      if (failed.length > 0) throw new Error(`sync failed: ${JSON.stringify(failed)}`)
      return engine.ctx.http.rateLimits.learned()
    })
    .finally(() => engine.close())
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const after: Counts = countsOf(sim)
  return {
    seconds,
    requests: after.total - before.total,
    answered: minus(after.answered, before.answered),
    limited: minus(after.limited, before.limited),
    throttled: after.throttled - before.throttled,
    learned,
  }
}

async function runCase(
  name: string,
  infra: { brokers: string[]; registryUrl: string },
): Promise<BenchFigure[]> {
  const hidden = hiddenCases[name] ?? {}
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 2,
    absencePeriodsPerEmployee: 0,
    attendancesPerEmployee: 0,
    reports: 0,
    rateLimits: true,
    hiddenLimits: hidden,
  })
  const env = {
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
    TOPIC_PREFIX: `benchlimits${name}${Date.now().toString(36)}`,
    TOPIC_REPLICATION_FACTOR: '1',
    LOG_LEVEL: 'silent',
  }
  try {
    const first = await syncOnce(sim, env)
    const limits = { ...personioLimits, ...hidden }
    const floor = floorOf(first.answered, limits)
    const label =
      name === 'documented' ? 'documented limits (told)' : `hidden limits ${name === 'double' ? '2×' : '½'}`
    const fig = (what: string, value: number, unit: string): BenchFigure => ({
      name: `${label}: ${what}`,
      value,
      unit,
    })
    const figures = [
      fig(`first sync of ${EMPLOYEES} employees, wall time`, Number(first.seconds.toFixed(1)), 's'),
      fig(
        `floor (${first.answered.employees ?? 0} employees at ${limits.employees?.rate}/s, ${first.answered.v1 ?? 0} v1, then ${first.answered.balances ?? 0} balances at ${limits.balances?.rate}/s)`,
        Number(floor.toFixed(1)),
        's',
      ),
      fig('wall time / floor', Number((first.seconds / floor).toFixed(3)), '×'),
      fig('requests (all endpoints)', first.requests, 'requests'),
      fig('429 answers', first.throttled, 'responses'),
      fig('429 share', Number(((100 * first.throttled) / first.requests).toFixed(2)), '%'),
      fig('429 answers, employees family', first.limited.employees ?? 0, 'responses'),
      fig('429 answers, balances family', first.limited.balances ?? 0, 'responses'),
      fig(
        'learned pace at the end, employees',
        Number((first.learned.employees?.rate ?? 0).toFixed(2)),
        '/s',
      ),
      fig('learned pace at the end, balances', Number((first.learned.balances?.rate ?? 0).toFixed(2)), '/s'),
    ]
    if (name === 'documented') {
      const idle = await syncOnce(sim, env)
      figures.push(
        fig('idle cycle after it, wall time', Number(idle.seconds.toFixed(2)), 's'),
        fig('idle cycle, requests (all endpoints)', idle.requests, 'requests'),
        fig('idle cycle, balance reads', idle.answered.balances ?? 0, 'requests'),
        fig('idle cycle, 429 answers', idle.throttled, 'responses'),
      )
    }
    return figures
  } finally {
    await sim.close()
  }
}

export async function firstSyncLimits(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const figures: BenchFigure[] = []
  for (const name of CASES) {
    if (name !== 'documented' && hiddenCases[name] === undefined)
      throw new Error(`PK_BENCH_LIMIT_CASES: unknown case ${name}; known: documented, double, half`)
    process.stderr.write(`first-sync-limits: ${name} …\n`)
    figures.push(...(await runCase(name, infra)))
  }
  return {
    bench: 'first-sync-limits',
    figures,
    notes:
      'Each sync is a fresh engine (restore from the state topic included), as `sync --once` runs; each case a fresh simulator and topic prefix, so nothing learned is restored.',
  }
}

if (require.main === module) void firstSyncLimits().then((r) => console.log(JSON.stringify(r, null, 2)))
