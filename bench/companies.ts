// Issue #28: many companies over three workers on this machine. PK_BENCH_COMPANIES (default 100)
// simulated companies of 50–500 employees, each its own simulator enforcing Personio's documented
// limits, and three `personio-kafka run` workers (compiled, as the container runs them) of one group
// serving the directory of their files (test/support/workers.ts). Measured:
// - first sync: from the moment every company file is written to every company's first cycle of
//   each resource done (the workers' cycles_total metric), against the floor Personio's limits allow
//   (each company's own families at its simulator, and each worker's per-IP v1 budget of 2,000/min
//   shared by the companies it serves);
// - memory: each worker's RSS idle with its companies less its RSS idle with none, per company;
// - idle requests per company per hour: Personio requests over an idle window, from the
//   simulators' request logs, scaled to an hour; beside a single-company `run` measured the same
//   way in the same window;
// - failover: SIGKILL of the worker holding most companies → every one of them running on the
//   others (their /readyz details).
// Three workers on one machine each keep their own v1 budget; behind one egress IP they would share
// Personio's one 2,000/min. PK_BENCH_COMPANIES_IDLE_MS sizes the idle window (default 180 s: three
// polls at the default POLL_INTERVAL_MS of 60 s); PK_BENCH_COMPANIES_RESOURCES the resources.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { ensureInfra } from '../src/infra'
import { freePort } from '../src/infra/ports'
import type { ResourceName } from '../src/resources'
import { defaultCredential, personioLimits, startSimulator, type RunningSimulator } from '../src/simulator'
import type { CliChild, CliResult } from '../test/support/cli-child'
import {
  companiesIn,
  openFleet,
  placement,
  waitPlaced,
  samples,
  waitReady,
  waitUntil,
  watchGroup,
  type Fleet,
  type Observation,
  type SimCompany,
  type WorkerProcess,
} from '../test/support/workers'
import { compiledCli } from './compiled-cli'
import type { BenchFigure, BenchResult } from './run'

const COMPANIES = Number(process.env.PK_BENCH_COMPANIES ?? 100)
const WORKERS = Number(process.env.PK_BENCH_COMPANIES_WORKERS ?? 3)
const IDLE_MS = Number(process.env.PK_BENCH_COMPANIES_IDLE_MS ?? 180_000)
const RESOURCES = (
  process.env.PK_BENCH_COMPANIES_RESOURCES ?? 'employees,absences,absence_types,document_categories,projects'
).split(',') as ResourceName[]
const FIRST_SYNC_TIMEOUT_MS = 40 * 60_000
/** the deployment's defaults: what an idle company costs in production */
const SETTINGS = { POLL_INTERVAL_MS: '60000', RECONCILE_INTERVAL_MS: '3600000', LOG_LEVEL: 'warn' }

const kb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? 0 : Number(m[1])
}
/** CPU seconds (user + system) a process used so far: /proc/<pid>/stat, in clock ticks of 1/100 s. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const workersCpu = (fleet: Fleet) =>
  fleet.live().reduce((n, w) => n + cpuSeconds(w.cli.child.pid as number), 0)
const mb = (kib: number) => Math.round(kib / 102.4) / 10
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

/** `personio-kafka <args>` compiled, its output kept short (a long run logs a lot even at warn). */
function compiledChild(args: string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, [compiledCli(), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-200_000)))
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-200_000)))
  const done = new Promise<CliResult>((resolve) =>
    child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal, stdout, stderr }))),
  )
  return { child, done, output: () => ({ stdout, stderr }) }
}

/** Resources with at least one cycle done, by company ('' for an unnamed engine), from a /metrics text. */
function cyclesDone(metrics: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const s of samples(metrics, 'personio_kafka_cycles_total')) {
    if (s.labels.outcome !== 'ok' || s.value < 1) continue
    const company = s.labels.company ?? ''
    out.set(company, (out.get(company) ?? new Set()).add(s.labels.resource ?? ''))
  }
  return out
}

const requestsBetween = (sim: RunningSimulator, from: number, to: number) =>
  sim.log.filter((e) => e.at >= from && e.at < to).length

/** Answered requests per family (429s aside) from the request log. */
function answeredByFamily(sim: RunningSimulator): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(sim.counters())) {
    const m = /^(.+) (\d{3})$/.exec(k)
    if (m !== null && m[2] !== '429') out[m[1] as string] = (out[m[1] as string] ?? 0) + v
  }
  return out
}

/** Seconds a family's limit allows at least for `answered` requests: past the burst, at the rate. */
const familyFloor = (family: string, answered: number) => {
  const spec = personioLimits[family]
  return spec === undefined ? 0 : Math.max(0, answered - spec.burst) / spec.rate
}
const V1_FAMILIES = ['employees', 'balances', 'v1', 'v1-auth']

/** The single-company deployment of today, measured beside the workers. */
async function startSingle(infra: { brokers: string[]; registryUrl: string }, stamp: string) {
  const sim = await startSimulator({ employees: 275, seed: 10_000, realClock: true })
  const port = await freePort()
  const cli = compiledChild(['run', '--resources', RESOURCES.join(',')], {
    ...SETTINGS,
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: defaultCredential.clientId,
    PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    KAFKA_CLIENT_ID: `${stamp}-single`,
    TOPIC_PREFIX: `${stamp}.single`,
    TOPIC_REPLICATION_FACTOR: '1',
    METRICS_PORT: String(port),
  })
  const metrics = () =>
    fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.text(),
      () => '',
    )
  return { sim, cli, metrics }
}

export async function companiesBench(): Promise<BenchResult> {
  const infra = await ensureInfra()
  compiledCli() // built before anything is timed
  const figures: BenchFigure[] = []
  const notes: string[] = []
  const fleet: Fleet = await openFleet({
    infra,
    name: 'bench-companies',
    spawn: compiledChild,
    env: { ...SETTINGS, WORKER_PARTITIONS: '128' },
  })
  let single: Awaited<ReturnType<typeof startSingle>> | undefined
  try {
    // every simulator before any worker: generating them must not load the machine the workers run on
    const companies: SimCompany[] = []
    for (let i = 0; i < COMPANIES; i++) {
      const employees = 50 + Math.round((450 * i) / Math.max(1, COMPANIES - 1))
      companies.push(
        await fleet.prepareCompany(
          `co-${String(i + 1).padStart(3, '0')}`,
          { employees, seed: i + 1 },
          { resources: RESOURCES },
        ),
      )
    }
    const employeesTotal = companies.reduce((n, c) => n + c.sim.company.count('employees'), 0)
    single = await startSingle(infra, fleet.name)

    // the workers idle with no company: their baseline
    const workers: WorkerProcess[] = []
    for (let i = 1; i <= WORKERS; i++) workers.push(await fleet.startWorker(`w${i}`))
    await Promise.all(workers.map((w) => waitReady(w, 180_000)))
    await pause(15_000)
    const baseline = new Map(workers.map((w) => [w.name, kb(w.cli.child.pid as number, 'VmRSS')]))

    // every company file at one moment; the first sync is timed from here
    const started = Date.now()
    const cpuBefore = workersCpu(fleet)
    for (const c of companies) fleet.publish(c)
    const doneAt = new Map<string, number>()
    await waitUntil(
      `first syncs of ${COMPANIES} companies`,
      async () => {
        for (const w of fleet.live())
          for (const [company, resources] of cyclesDone(await w.metrics()))
            if (!doneAt.has(company) && RESOURCES.every((r) => resources.has(r)))
              doneAt.set(company, Date.now())
        return companies.every((c) => doneAt.has(c.id)) ? true : undefined
      },
      {
        timeoutMs: FIRST_SYNC_TIMEOUT_MS,
        everyMs: 1_000,
        describe: () =>
          `; done: ${doneAt.size}; ${fleet
            .live()
            .map((w) => w.cli.output().stderr.slice(-1000))
            .join('\n')}`,
      },
    )
    const firstSync = (Math.max(...doneAt.values()) - started) / 1000
    const firstSyncCpu = workersCpu(fleet) - cpuBefore
    const perCompany = companies.map((c) => ((doneAt.get(c.id) as number) - started) / 1000)
    const placed = await waitPlaced(
      fleet,
      companies.map((c) => c.id),
    )
    const held = new Map<string, string[]>()
    for (const [id, w] of placed) held.set(w, [...(held.get(w) ?? []), id])
    // the floor: the slowest company at its own Personio, or the busiest worker's shared v1 budget
    const v1Global = personioLimits['v1-global'] ?? { rate: 2000 / 60, burst: 100 }
    const companyFloor = Math.max(
      ...companies.map((c) => {
        const answered = answeredByFamily(c.sim)
        return Math.max(...Object.entries(answered).map(([family, n]) => familyFloor(family, n)))
      }),
    )
    const workerFloor = Math.max(
      ...[...held.values()].map((ids) => {
        const v1 = ids.reduce((n, id) => {
          const answered = answeredByFamily(fleet.companies.get(id)?.sim as RunningSimulator)
          return n + V1_FAMILIES.reduce((m, f) => m + (answered[f] ?? 0), 0)
        }, 0)
        return Math.max(0, v1 - v1Global.burst) / v1Global.rate
      }),
    )
    const requests = companies.reduce((n, c) => n + (c.sim.counters().requests ?? 0), 0)
    const throttled = companies.reduce((n, c) => n + (c.sim.counters()['429'] ?? 0), 0)
    figures.push(
      {
        name: `first sync, ${COMPANIES} companies (${employeesTotal} employees), files written → all done`,
        value: Number(firstSync.toFixed(1)),
        unit: 's',
      },
      {
        name: 'first sync per company, median',
        value: Number(quantile(perCompany, 0.5).toFixed(1)),
        unit: 's',
      },
      {
        name: 'first sync per company, p95',
        value: Number(quantile(perCompany, 0.95).toFixed(1)),
        unit: 's',
      },
      {
        name: 'first sync: CPU the workers used (user + system)',
        value: Number(firstSyncCpu.toFixed(1)),
        unit: 's',
      },
      {
        name: "floor Personio's limits allow (slowest company or worker budget)",
        value: Number(Math.max(companyFloor, workerFloor).toFixed(1)),
        unit: 's',
      },
      { name: 'Personio requests during the first syncs', value: requests, unit: 'requests' },
      { name: 'answered 429 during the first syncs', value: throttled, unit: 'requests' },
    )
    notes.push(
      `companies per worker: ${[...held].map(([w, ids]) => `${w} ${ids.length}`).join(', ')}; floors: per company ${companyFloor.toFixed(1)} s, per worker v1 budget ${workerFloor.toFixed(1)} s`,
    )

    // idle: the window starts half a minute after every first sync (the single company's too)
    const alone = single
    await waitUntil(
      'the single-company run synced',
      async () => {
        const done = cyclesDone(await alone.metrics()).get('')
        return RESOURCES.every((r) => done?.has(r)) ? true : undefined
      },
      { timeoutMs: 300_000, everyMs: 1_000 },
    )
    await pause(30_000)
    const idleFrom = Date.now()
    await pause(IDLE_MS)
    const idleTo = Date.now()
    const perHour = (n: number) => (n * 3_600_000) / (idleTo - idleFrom)
    const idle = companies.map((c) => perHour(requestsBetween(c.sim, idleFrom, idleTo)))
    const singleIdle = perHour(requestsBetween(single.sim, idleFrom, idleTo))
    const rss = new Map(fleet.live().map((w) => [w.name, kb(w.cli.child.pid as number, 'VmRSS')]))
    const deltaKb = (w: string) => (rss.get(w) ?? 0) - (baseline.get(w) ?? 0)
    const perCompanyMb = [...held].map(([w, ids]) => deltaKb(w) / ids.length / 1024)
    const overallMb = [...held].reduce((n, [w]) => n + deltaKb(w), 0) / COMPANIES / 1024
    figures.push(
      {
        name: 'idle Personio requests per company per hour, mean',
        value: Math.round(idle.reduce((a, b) => a + b, 0) / idle.length),
        unit: 'requests/h',
      },
      {
        name: 'idle Personio requests per company per hour, max',
        value: Math.round(Math.max(...idle)),
        unit: 'requests/h',
      },
      {
        name: 'idle Personio requests, single-company run, per hour',
        value: Math.round(singleIdle),
        unit: 'requests/h',
      },
      {
        name: 'worker RSS idle with no company, mean',
        value: mb([...baseline.values()].reduce((a, b) => a + b, 0) / baseline.size),
        unit: 'MB',
      },
      { name: 'worker RSS idle with its companies, max', value: mb(Math.max(...rss.values())), unit: 'MB' },
      {
        name: 'memory per idle company (Σ RSS deltas ÷ companies)',
        value: Number(overallMb.toFixed(1)),
        unit: 'MB',
      },
      {
        name: 'memory per idle company (RSS delta ÷ companies), max over workers',
        value: Number(Math.max(...perCompanyMb).toFixed(1)),
        unit: 'MB',
      },
      {
        name: 'single-company run RSS idle',
        value: mb(kb(single.cli.child.pid as number, 'VmRSS')),
        unit: 'MB',
      },
    )

    // failover: the worker holding most companies dies
    const watch = watchGroup(fleet, 250)
    const [victimName, orphans] = [...held].sort((a, b) => b[1].length - a[1].length)[0] as [string, string[]]
    const victim = fleet.workers.find((w) => w.name === victimName) as WorkerProcess
    await pause(1_000)
    const killedAt = Date.now()
    const cpuAtKill = fleet
      .live()
      .filter((w) => w !== victim)
      .reduce((n, w) => n + cpuSeconds(w.cli.child.pid as number), 0)
    victim.cli.child.kill('SIGKILL')
    await victim.cli.done
    const survivors = fleet.live().map((w) => w.name)
    const back = await waitUntil(
      'the orphans running again',
      async () => watch.firstWhere(killedAt, (o) => placement(o, orphans, survivors) !== undefined),
      { timeoutMs: 300_000 },
    )
    const failoverCpu = workersCpu(fleet) - cpuAtKill
    await watch.stop()
    const overlaps = watch.overlaps()
    // kill → the group gave every orphan to a survivor (seen there in any phase), then → running
    const seenOn = (o: Observation) =>
      orphans.every((id) =>
        o.answers.some((a) => survivors.includes(a.worker) && a.view?.companies.some((c) => c.id === id)),
      )
    const assigned = watch.firstWhere(killedAt, seenOn)
    figures.push(
      {
        name: `failover: SIGKILL → ${orphans.length} companies running on the others`,
        value: Number(((back.at - killedAt) / 1000).toFixed(1)),
        unit: 's',
      },
      {
        name: 'failover: SIGKILL → every orphan assigned to a survivor (starting)',
        value: Number((((assigned?.at ?? Number.NaN) - killedAt) / 1000).toFixed(1)),
        unit: 's',
      },
      {
        name: 'failover: CPU the survivors used from the kill to all running',
        value: Number(failoverCpu.toFixed(1)),
        unit: 's',
      },
      {
        name: 'companies seen running on two workers at once',
        value: new Set(overlaps.map((o) => o.company)).size,
        unit: 'companies',
      },
    )
    const afterKill = companiesIn(back)
    notes.push(
      `after the kill: ${survivors.map((w) => `${w} ${[...afterKill].filter(([, h]) => h.includes(w)).length}`).join(', ')} companies; WORKER_SESSION_TIMEOUT_MS 6000; resources ${RESOURCES.join(',')}; POLL_INTERVAL_MS 60000; idle window ${IDLE_MS / 1000} s`,
    )
    return { bench: 'companies', figures, notes: notes.join('; ') }
  } finally {
    single?.cli.child.kill('SIGKILL')
    await single?.cli.done
    await single?.sim.close()
    await fleet.close()
  }
}

if (require.main === module) void companiesBench().then((r) => console.log(JSON.stringify(r, null, 2)))
