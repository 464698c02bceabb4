// Issue #19: what one kind of change costs, before and after, side by side in one run. For each
// side — "before", a commit (PK_BENCH_BEFORE, default f7e3ff3) extracted into a temporary directory,
// and "after", this working tree — a fresh simulator (same seed, so the same company) and
// `personio-kafka sync --once` of that tree as a child process (its TypeScript through tsx), every
// resource, simulator limits off and the client unpaced: the count, not the time, is the figure.
// First sync, an idle sync, then one change at a time, each followed by one `sync --once`:
//   new attribute   a custom attribute added, filled on 10 employees (Personio does not bump
//                   last_modified_at for that, and neither does the simulator)
//   type rename     an absence type's name changed
//   one absence     one approved day off created for one employee
//   last name       one employee's last name changed
// Per run: the simulator's requests (total, balance reads, other GETs), and the records the run
// added to the employees and balances topics, counted read_committed (not decoded).
// PK_BENCH_COST_EMPLOYEES (default 250) sizes the company. About half a minute in all.
import '../src/kafka/kafkajs/aborted-filter' // before kafkajs: read_committed must hide aborted records
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { ensureInfra } from '../src/infra'
import { createFeed } from '../src/kafka/kafkajs/feed'
import { defaultCredential, startSimulator, type RunningSimulator } from '../src/simulator'
import { waitUntilSettled } from '../test/support/settled'
import type { BenchFigure, BenchResult } from './run'

const EMPLOYEES = Number(process.env.PK_BENCH_COST_EMPLOYEES ?? 250)
const BEFORE = process.env.PK_BENCH_BEFORE ?? 'f7e3ff3'
const FILLED = 10
const SYNC_TIMEOUT_MS = 180_000
const repo = join(__dirname, '..')

type Infra = { brokers: string[]; registryUrl: string }

const steps = ['first sync', 'idle', 'new attribute', 'type rename', 'one absence', 'last name'] as const
type Step = (typeof steps)[number]

interface RunCost {
  requests: number
  balanceReads: number
  /** GETs other than balance reads: listings, the attribute list, report reads */
  listings: number
  employeeEvents: number
  balanceEvents: number
  /** `METHOD /endpoint` → count */
  byEndpoint: Record<string, number>
  /** topic (resource) → records this run added */
  byTopic: Record<string, number>
  /** op header (c/u/r/d, or `tombstone`) of the employee records this run added → count */
  employeeOps: Record<string, number>
  /** what `sync --once` printed: published records per resource (stages: events) */
  summary: Record<string, number>
}

interface SideResult {
  label: 'before' | 'after'
  tree: string
  costs: Partial<Record<Step, RunCost>>
  /** employees that carry a value of the new attribute (the simulator may leave a filled one empty) */
  carrying?: number
  error?: string
}

// ---------------------------------------------------------------------------------------------
// the "before" tree

/** `rev` extracted (git archive) into a temporary directory, node_modules shared when the lock is. */
function extractTree(rev: string): { root: string; sha: string; cleanup: () => void } {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: repo })
    .toString()
    .trim()
  const root = mkdtempSync(join(tmpdir(), `pk-bench-before-${sha.slice(0, 7)}-`))
  const cleanup = () => {
    try {
      unlinkSync(join(root, 'node_modules')) // the link, never what it points at
    } catch {
      /* not linked (npm ci) or not there */
    }
    rmSync(root, { recursive: true, force: true })
  }
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', sha], {
      cwd: repo,
      maxBuffer: 512 * 1024 * 1024,
    })
    execFileSync('tar', ['-x', '-C', root], { input: tar })
    const lock = execFileSync('git', ['show', `${sha}:package-lock.json`], {
      cwd: repo,
      maxBuffer: 64 * 1024 * 1024,
    })
    if (lock.equals(readFileSync(join(repo, 'package-lock.json'))))
      symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir')
    else {
      process.stderr.write(`change-cost: ${rev} has another package-lock.json: npm ci there …\n`)
      execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      })
    }
    return { root, sha, cleanup }
  } catch (error) {
    cleanup()
    throw error
  }
}

// ---------------------------------------------------------------------------------------------
// one `sync --once` of a tree, and what it cost

/** The summary `sync --once` prints: published records per resource (stages: events). */
function summaryOf(stdout: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of stdout.split('\n')) {
    const cycle = /^(\w+)\s+\S+\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+$/.exec(line)
    const stage = /^(\w+)\s+stage \S+\s+\d+\s+(\d+) events$/.exec(line)
    if (cycle !== null) out[cycle[1] as string] = [2, 3, 4, 5].reduce((n, i) => n + Number(cycle[i]), 0)
    else if (stage !== null) out[stage[1] as string] = Number(stage[2])
  }
  return out
}

async function syncOnce(tree: string, sim: RunningSimulator, infra: Infra, prefix: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(tree, 'src', 'cli.ts'), 'sync', '--once'], {
    cwd: tree, // `--import tsx` resolves from here: the tree's node_modules
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      TMPDIR: tmpdir(),
      PERSONIO_BASE_URL: sim.url,
      PERSONIO_CLIENT_ID: defaultCredential.clientId,
      PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
      // the simulator answers as fast as it is asked: the client need not pace itself either
      // (a tree that knows the balances and v1-wide families is told about them too)
      PERSONIO_RATE_LIMITS: existsSync(join(tree, 'src', 'personio', 'rate-families.ts'))
        ? 'employees=200,balances=200,v1=200,v1-global=1000,v2=200,v2-persons=200,v2-periods=200'
        : 'employees=200,v1=200,v2=200,v2-persons=200,v2-periods=200',
      KAFKA_BROKERS: infra.brokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      TOPIC_PREFIX: prefix,
      TOPIC_REPLICATION_FACTOR: '1',
      PROGRESS: 'off',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let [stdout, stderr] = ['', '']
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)))
  // a sync here takes seconds: one that hangs (a tree half-edited, a broker gone) is stopped
  const timer = setTimeout(() => child.kill('SIGKILL'), SYNC_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  }).finally(() => clearTimeout(timer))
  if (code !== 0 || /FAILED/.test(stdout))
    throw new Error(
      `sync --once of ${tree} exited ${code === null ? `killed after ${SYNC_TIMEOUT_MS} ms` : String(code)}:\n${stdout}\n${stderr.slice(-4000)}`,
    )
  return stdout
}

function endpointOf(path: string): string {
  return path
    .replace(/\/employees\/\d+\//, '/employees/{id}/')
    .replace(/\/reports\/[0-9a-f-]{36}/, '/reports/{id}')
}

const isBalanceRead = (path: string) => /\/employees\/\d+\/absences\/balance$/.test(path)

/** Records per data topic of the prefix (not `_state`, not `_dlq`), and the employees' ops. */
async function topicRecords(
  infra: Infra,
  prefix: string,
): Promise<{ byTopic: Record<string, number>; employeeOps: Record<string, number> }> {
  const kafka = new Kafka({
    brokers: infra.brokers,
    clientId: 'bench-change-cost',
    logLevel: logLevel.NOTHING,
    requestTimeout: 10_000,
  })
  const admin = kafka.admin()
  await admin.connect()
  let topics: string[]
  try {
    topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`) && !t.includes('._'))
  } finally {
    await admin.disconnect()
  }
  // the CLI has exited, so nothing is open: wait for the last commit's markers to land
  await waitUntilSettled(infra.brokers, topics, 30_000)
  const byTopic: Record<string, number> = Object.fromEntries(
    topics.map((t) => [t.slice(prefix.length + 1), 0]),
  )
  const employeeOps: Record<string, number> = {}
  const feed = createFeed(kafka, {
    groupId: `${prefix}-count-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    topics,
    untilCaughtUp: true,
  })
  await feed.run(async (batch) => {
    for (const r of batch.records) {
      const resource = r.topic.slice(prefix.length + 1)
      byTopic[resource] = (byTopic[resource] ?? 0) + 1
      if (resource === 'employees') {
        const op = r.value === null ? 'tombstone' : (r.headers.__op ?? '?')
        employeeOps[op] = (employeeOps[op] ?? 0) + 1
      }
    }
  })
  return { byTopic, employeeOps }
}

const minus = (a: Record<string, number>, b: Record<string, number>) => {
  const out: Record<string, number> = {}
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (a[k] ?? 0) - (b[k] ?? 0)
    if (d !== 0) out[k] = d
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// one side

async function measureSide(label: SideResult['label'], tree: string, infra: Infra): Promise<SideResult> {
  const result: SideResult = { label, tree, costs: {} }
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 2,
    absencePeriodsPerEmployee: 1,
    attendancesPerEmployee: 1,
    reports: 1,
    rateLimits: false,
  })
  const prefix = `benchcost${label}${Date.now().toString(36)}`
  let topics = { byTopic: {} as Record<string, number>, employeeOps: {} as Record<string, number> }
  const run = async (step: Step) => {
    const mark = sim.log.length
    const started = Date.now()
    const stdout = await syncOnce(tree, sim, infra, prefix)
    const requests = sim.log.slice(mark)
    const now = await topicRecords(infra, prefix)
    const byTopic = minus(now.byTopic, topics.byTopic)
    const employeeOps = minus(now.employeeOps, topics.employeeOps)
    topics = now
    const byEndpoint: Record<string, number> = {}
    for (const l of requests) {
      const key = `${l.method} ${endpointOf(l.path)}`
      byEndpoint[key] = (byEndpoint[key] ?? 0) + 1
    }
    const balanceReads = requests.filter((l) => isBalanceRead(l.path)).length
    const cost: RunCost = {
      requests: requests.length,
      balanceReads,
      listings: requests.filter((l) => l.method === 'GET').length - balanceReads,
      employeeEvents: byTopic.employees ?? 0,
      balanceEvents: byTopic.employees_absences_balance ?? 0,
      byEndpoint,
      byTopic,
      employeeOps,
      summary: summaryOf(stdout),
    }
    result.costs[step] = cost
    process.stderr.write(
      `  ${label}: ${step.padEnd(14)} ${String(cost.requests).padStart(5)} requests, ` +
        `${String(cost.balanceReads).padStart(4)} balance reads, ${String(cost.employeeEvents).padStart(4)} employee events, ` +
        `${String(cost.balanceEvents).padStart(5)} balance events (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
    )
  }
  // each change a minute after the last cycle, as an edit in Personio would be
  const later = () => sim.company.clock.advance(60_000)
  try {
    await run('first sync')
    await run('idle')

    later()
    const ids = sim.company.list('employees').map((e) => e.id)
    const def = sim.company.addCustomAttribute(
      { label: 'Locker', type: 'integer', universalId: 'locker' },
      ids.slice(0, FILLED),
    )
    result.carrying = sim.company.list('employees').filter((e) => e.custom[def.key] != null).length
    await run('new attribute')

    later()
    const type = sim.company.list('timeOffTypes').find((t) => t.unit === 'day')
    if (type === undefined) throw new Error('the simulator has no absence type counted in days')
    sim.company.update('timeOffTypes', type.id, { name: `${type.name} (renamed)` })
    await run('type rename')

    later()
    const someone = sim.company.list('employees')[3]
    const vacation = sim.company
      .list('timeOffTypes')
      .find((t) => t.unit === 'day' && t.category === 'paid_vacation')
    if (someone === undefined || vacation === undefined) throw new Error('no employee or vacation type')
    const day = Math.floor(sim.company.clock.now() / 86_400_000) - 3
    sim.company.create('timeOffs', {
      employeeId: someone.id,
      typeId: vacation.id,
      status: 'approved',
      startDay: day,
      endDay: day,
      daysCount: 1,
    })
    await run('one absence')

    later()
    const renamed = sim.company.list('employees')[0]
    if (renamed === undefined) throw new Error('no employee')
    sim.company.update('employees', renamed.id, { lastName: 'Renamed' })
    await run('last name')
  } catch (error) {
    result.error = (error as Error).message
    process.stderr.write(`change-cost: ${label} FAILED: ${result.error}\n`)
  } finally {
    await sim.close()
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// the comparison

const figures: { key: keyof RunCost & string; name: string; unit: string }[] = [
  { key: 'requests', name: 'requests', unit: 'requests' },
  { key: 'balanceReads', name: 'balance reads', unit: 'requests' },
  { key: 'listings', name: 'other GETs', unit: 'requests' },
  { key: 'employeeEvents', name: 'employee events', unit: 'records' },
  { key: 'balanceEvents', name: 'balance events', unit: 'records' },
]

const stepTitle = (step: Step) => (step === 'new attribute' ? `new attribute (${FILLED} filled)` : step)

function table(before: SideResult, after: SideResult): string {
  const head = ['', ...figures.map((f) => f.name)]
  const rows: string[][] = [head, ['', ...figures.map(() => 'before → after')]]
  for (const step of steps) {
    const cell = (k: keyof RunCost) => {
      const show = (s: SideResult) => {
        const v = s.costs[step]?.[k]
        return typeof v === 'number' ? String(v) : '—'
      }
      return `${show(before)} → ${show(after)}`
    }
    rows.push([stepTitle(step), ...figures.map((f) => cell(f.key))])
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '))
    .join('\n')
}

const brief = (r: Record<string, number>) =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ')

export async function changeCost(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const before = extractTree(BEFORE)
  let sides: SideResult[]
  try {
    process.stderr.write(`change-cost: before = ${BEFORE} (${before.sha.slice(0, 7)}) in ${before.root}\n`)
    const b = await measureSide('before', before.root, infra)
    process.stderr.write(`change-cost: after = the working tree ${repo}\n`)
    const a = await measureSide('after', repo, infra)
    sides = [b, a]
  } finally {
    before.cleanup()
  }
  const [b, a] = sides as [SideResult, SideResult]
  if (b.error !== undefined && a.error !== undefined)
    throw new Error(`change-cost: both sides failed:\nbefore: ${b.error}\nafter: ${a.error}`)
  const side = table(b, a)
  process.stderr.write(
    `\nchange-cost: ${EMPLOYEES} employees; before = ${BEFORE}, after = the working tree\n${side}\n` +
      `(new attribute: ${b.carrying ?? '?'} employees carry a value, before side; ${a.carrying ?? '?'} after)\n\n`,
  )
  const out: BenchFigure[] = []
  for (const s of sides)
    for (const step of steps) {
      const cost = s.costs[step]
      if (cost === undefined) continue
      for (const f of figures)
        out.push({
          name: `${s.label}: ${stepTitle(step)} — ${f.name}`,
          value: cost[f.key] as number,
          unit: f.unit,
        })
      // what "only the employees that carry it" means here: the simulator leaves ~15 % of the
      // filled ones empty, and an empty value is no change
      if (step === 'new attribute' && s.carrying !== undefined)
        out.push({
          name: `${s.label}: new attribute — employees carrying a value`,
          value: s.carrying,
          unit: 'employees',
        })
    }
  const notes = [
    `${EMPLOYEES} employees, 2 absences each, 1 report, every resource; before = ${BEFORE} (${before.sha}), after = the working tree; simulator limits off, client unpaced; each sync --once a fresh process (2 token requests each)`,
    side,
    ...sides.flatMap((s) => [
      ...(s.error === undefined ? [] : [`${s.label} FAILED: ${s.error.slice(0, 2000)}`]),
      ...steps.flatMap((step) => {
        const c = s.costs[step]
        if (c === undefined) return []
        return [
          `${s.label} / ${step}: requests: ${brief(c.byEndpoint)}`,
          `${s.label} / ${step}: records by topic: ${brief(c.byTopic)}; employee ops: ${brief(c.employeeOps)}; CLI summary: ${brief(c.summary)}`,
        ]
      }),
    ]),
  ].join('\n')
  return { bench: 'change-cost', figures: out, notes }
}

if (require.main === module)
  void changeCost().then((r) => {
    for (const f of r.figures) console.log(`${f.name.padEnd(56)} ${String(f.value).padStart(8)} ${f.unit}`)
    console.log(r.notes)
  })
