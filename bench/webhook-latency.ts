// Issue #20: `run` following Personio's webhooks against `run` polling, side by side in one run.
// Four `personio-kafka run --resources employees,absences,attendances` child processes (compiled,
// as deployed), each against its own simulator (same seed, so the same company; Personio's real
// limits; real clock; webhooks delivered at once, over http) and its own TOPIC_PREFIX:
//
//   webhooks, latency   WEBHOOK_* set, an ENABLED subscription for its receiver (default intervals)
//   polling, latency    no webhook configuration, POLL_INTERVAL_MS=30000 (change-latency's figure)
//   webhooks, idle      as "webhooks, latency", nothing changed
//   polling, idle       no webhook configuration, every interval at its default (POLL_INTERVAL_MS
//                       60 s, RECONCILE_INTERVAL_MS 1 h): what a user gets
//
// Latency: after every first sync, the same changes at the same moments on both latency
// simulators (40 last names, 6 absences created, 6 attendance comments by default, in a seeded
// order, 1–2 s apart); a read_committed consumer per side notes when each change's record arrives
// (matched by key and the changed value). Change → Kafka is that arrival less the moment the
// change was made in the simulator.
//
// Idle cost: the simulator's requests of each idle side over a window of PK_BENCH_HOOK_IDLE_SECONDS
// (default 300: five 60 s polls, one 5 min gap fill), placed clear of either side's ticks (so it
// holds exactly that many rounds) and extrapolated to an hour: window × 3600 / seconds, plus the
// reconciliation's share, which no window this short sees: one full listing (counted in the first
// sync) per RECONCILE_INTERVAL_MS (1 h) with polling, per WEBHOOK_RECONCILE_INTERVAL_MS (24 h)
// with webhooks. About 6½ minutes in all.
import '../src/kafka/kafkajs/aborted-filter' // before kafkajs: read_committed must hide aborted records
import { spawn, type ChildProcess } from 'node:child_process'
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { createSchemaRegistry } from '../src/contract/registry'
import { createSerde, type Serde } from '../src/contract/serde'
import { ensureInfra } from '../src/infra'
import { resources, type ResourceName } from '../src/resources'
import { defaultCredential, startSimulator, type RunningSimulator } from '../src/simulator'
import { benchSubscription } from './bench-webhooks'
import { compiledCli } from './compiled-cli'
import type { BenchFigure, BenchResult } from './run'

const EMPLOYEES = Number(process.env.PK_BENCH_HOOK_EMPLOYEES ?? 500)
const IDLE_SECONDS = Number(process.env.PK_BENCH_HOOK_IDLE_SECONDS ?? 300)
const [NAMES, ABSENCES, ATTENDANCES] = (process.env.PK_BENCH_HOOK_CHANGES ?? '40,6,6').split(',').map(Number)
const POLL_FOR_LATENCY_MS = 30_000
/** the product's defaults (src/config/schema.ts), which the idle sides run with */
const DEFAULTS = { pollMs: 60_000, reconcileMs: 3_600_000, hookReconcileMs: 86_400_000, gapFillMs: 300_000 }
const CAPTURED: readonly ResourceName[] = ['employees', 'absences', 'attendances']
const FIRST_SYNC_TIMEOUT_MS = 180_000

type Infra = { brokers: string[]; registryUrl: string }
type Mode = 'webhooks' | 'polling'
type Kind = 'last name' | 'absence created' | 'attendance comment'

interface Side {
  label: string
  mode: Mode
  sim: RunningSimulator
  prefix: string
  child: ChildProcess
  /** moments (ms) of `cycle done` per resource, as read from the child's log */
  cycles: Map<string, number[]>
  /** when the child said the covered resources follow Personio's events */
  followingAt?: number
  /** sim.log length when every first sync was done */
  firstSyncLogEnd?: number
  tail: string[]
  exited?: string
}

interface Pending {
  kind: Kind
  at: number
  matches: (record: Record<string, unknown>) => boolean
}

interface Sample {
  kind: Kind
  ms: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

/** mulberry32: the same order of changes on every run */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN

async function waitFor(what: string, check: () => boolean, timeoutMs: number, sides: Side[]): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    const dead = sides.find((s) => s.exited !== undefined)
    if (dead !== undefined)
      throw new Error(`${dead.label}: run exited (${dead.exited}):\n${dead.tail.join('\n')}`)
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}:\n${sides.map((s) => `${s.label}:\n${s.tail.slice(-15).join('\n')}`).join('\n')}`,
      )
    await sleep(200)
  }
}

// ---------------------------------------------------------------------------------------------
// the sides

async function startSide(label: string, mode: Mode, infra: Infra, pollMs?: number): Promise<Side> {
  const sim = await startSimulator({
    employees: EMPLOYEES,
    reports: 0,
    rateLimits: true,
    realClock: true,
    webhooks: { allowHttp: true },
  })
  const prefix = `benchhook${label.replace(/\W/g, '')}${Date.now().toString(36)}`
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: defaultCredential.clientId,
    PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    TOPIC_PREFIX: prefix,
    TOPIC_REPLICATION_FACTOR: '1',
    METRICS_PORT: '0',
    PROGRESS: 'off',
    LOG_FORMAT: 'json',
    // idle cycles are logged at debug only: their moments place the idle window
    LOG_LEVEL: 'debug',
  }
  if (pollMs !== undefined) env.POLL_INTERVAL_MS = String(pollMs)
  if (mode === 'webhooks') {
    const { env: receiver } = await benchSubscription(sim, [
      ...new Set(CAPTURED.flatMap((n) => resources[n].webhookEvents ?? [])),
    ])
    Object.assign(env, receiver)
  }
  // the subscription's own requests are not the run's
  sim.log.splice(0)
  const child = spawn(process.execPath, [compiledCli(), 'run', '--resources', CAPTURED.join(',')], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const side: Side = { label, mode, sim, prefix, child, cycles: new Map(), tail: [] }
  let partial = ''
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n')
    partial = lines.pop() ?? ''
    const now = Date.now()
    for (const line of lines) {
      let entry: { msg?: string; resource?: string; level?: number | string } = {}
      try {
        entry = JSON.parse(line) as typeof entry
      } catch {
        /* not a log line */
      }
      if (entry.msg === 'cycle done' && entry.resource !== undefined) {
        const list = side.cycles.get(entry.resource) ?? []
        list.push(now)
        side.cycles.set(entry.resource, list)
      } else if (entry.msg?.includes("follow Personio's events") === true) side.followingAt = now
      const level = typeof entry.level === 'number' ? entry.level : 30
      if (level >= 30 && entry.msg !== 'cycle done') {
        side.tail.push(line.slice(0, 400))
        if (side.tail.length > 40) side.tail.shift()
      }
    }
  })
  child.once('exit', (code, signal) => (side.exited = signal ?? String(code)))
  return side
}

const firstSyncDone = (s: Side) =>
  CAPTURED.every((r) => (s.cycles.get(r)?.length ?? 0) >= 1) &&
  (s.mode === 'polling' || s.followingAt !== undefined)

async function stopSide(side: Side): Promise<void> {
  if (side.exited === undefined) {
    const exit = new Promise((r) => side.child.once('exit', r))
    side.child.kill('SIGTERM')
    const timer = setTimeout(() => side.child.kill('SIGKILL'), 15_000)
    await exit
    clearTimeout(timer)
  }
  await side.sim.close()
}

// ---------------------------------------------------------------------------------------------
// requests

/** `GET /v1/company/employees/{id}`: ids and uuids folded, the query's parameter names kept. */
function endpointOf(entry: { method: string; path: string; query: string }): string {
  const path = entry.path
    .replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '/{id}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}')
  const names = [...new URLSearchParams(entry.query).keys()].filter((k) => k !== 'cursor')
  return `${entry.method} ${path}${names.length > 0 ? `?${[...new Set(names)].sort().join('&')}` : ''}`
}

function countBy(entries: readonly { method: string; path: string; query: string }[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const e of entries) out.set(endpointOf(e), (out.get(endpointOf(e)) ?? 0) + 1)
  return out
}

const isAuth = (path: string) => /\/auth(\/|$)/.test(path)
const isSubscriptionAdmin = (path: string) => /^\/v2\/webhooks\/?$/.test(path)

/**
 * The first moment ≥ `earliest` at least `clear` ms from every tick (phases, period): the window
 * that starts there and lasts a multiple of the period holds exactly that many rounds of each.
 */
function windowStart(earliest: number, phases: readonly number[], period: number, clear: number): number {
  const distance = (t: number) =>
    Math.min(
      ...phases.map((p) => {
        const d = (((t - p) % period) + period) % period
        return Math.min(d, period - d)
      }),
    )
  let best = earliest
  for (let t = earliest; t < earliest + period; t += 500) {
    if (distance(t) >= clear) return t
    if (distance(t) > distance(best)) best = t
  }
  return best
}

interface IdleCost {
  label: string
  windowSeconds: number
  window: Map<string, number>
  windowTotal: number
  /** requests of the first sync other than tokens and the subscription list: one full listing */
  fullListing: number
  fullListingByEndpoint: Map<string, number>
  reconcileMs: number
  perHour: number
  recurringPerHour: number
  reconcilePerHour: number
}

async function idleCost(side: Side, sides: Side[]): Promise<IdleCost> {
  const firstSync = side.sim.log.slice(0, side.firstSyncLogEnd)
  const listing = firstSync.filter((e) => !isAuth(e.path) && !isSubscriptionAdmin(e.path))
  let start: number
  if (side.mode === 'polling') {
    // the first idle cycle of each resource gives its phase
    await waitFor(
      `${side.label}: an idle cycle of each resource`,
      () => CAPTURED.every((r) => (side.cycles.get(r)?.length ?? 0) >= 2),
      DEFAULTS.pollMs * 2 + 30_000,
      sides,
    )
    const phases = CAPTURED.map((r) => side.cycles.get(r)?.at(-1) as number)
    start = windowStart(Date.now() + 1_000, phases, DEFAULTS.pollMs, 15_000)
  } else {
    // the gap fill ticks from the moment the covered resources follow the events
    start = windowStart(Date.now() + 1_000, [side.followingAt as number], DEFAULTS.gapFillMs, 20_000)
  }
  const end = start + IDLE_SECONDS * 1000
  process.stderr.write(
    `  ${side.label}: idle window ${new Date(start).toISOString()} → ${new Date(end).toISOString()}\n`,
  )
  await sleep(end - Date.now() + 2_000) // requests are logged when answered
  const inWindow = side.sim.log.filter((e) => e.at >= start && e.at < end)
  const reconcileMs = side.mode === 'polling' ? DEFAULTS.reconcileMs : DEFAULTS.hookReconcileMs
  const recurringPerHour = (inWindow.length * 3_600) / IDLE_SECONDS
  const reconcilePerHour = (listing.length * 3_600_000) / reconcileMs
  return {
    label: side.label,
    windowSeconds: IDLE_SECONDS,
    window: countBy(inWindow),
    windowTotal: inWindow.length,
    fullListing: listing.length,
    fullListingByEndpoint: countBy(listing),
    reconcileMs,
    perHour: Math.round(recurringPerHour + reconcilePerHour),
    recurringPerHour: Math.round(recurringPerHour),
    reconcilePerHour: Number(reconcilePerHour.toFixed(1)),
  }
}

// ---------------------------------------------------------------------------------------------
// latency

async function watchArrivals(
  side: Side,
  infra: Infra,
  pending: Map<string, Pending>,
  samples: Sample[],
): Promise<Consumer> {
  const kafka = new Kafka({
    brokers: infra.brokers,
    clientId: 'bench-webhook-latency',
    logLevel: logLevel.NOTHING,
  })
  const consumer = kafka.consumer({
    groupId: `${side.prefix}-reader`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  })
  const serde: Serde = createSerde({
    registry: createSchemaRegistry({ url: infra.registryUrl }),
    keyFormat: 'avro',
    prefix: side.prefix,
  })
  const byTopic = new Map(CAPTURED.map((r) => [`${side.prefix}.${r}`, resources[r]]))
  let joined = false
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true))
  await consumer.connect()
  await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: false })
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const arrived = Date.now()
      const resource = byTopic.get(topic)
      if (resource === undefined || message.key === null || message.value === null) return
      const key = `${resource.name}|${String((await serde.decodeKey(resource, message.key)).id)}`
      const wanted = pending.get(key)
      if (wanted === undefined) return
      const { record } = await serde.decodeValue(message.value)
      if (!wanted.matches(record)) return
      pending.delete(key)
      samples.push({ kind: wanted.kind, ms: arrived - wanted.at })
    },
  })
  await waitFor(`${side.label}: the consumer to join`, () => joined, 60_000, [side])
  return consumer
}

/** The changes, in a seeded order, with the pause before each. */
function schedule(): { kind: Kind; index: number; pauseMs: number }[] {
  const random = seeded(20)
  const kinds: Kind[] = [
    ...Array.from({ length: NAMES ?? 0 }, () => 'last name' as const),
    ...Array.from({ length: ABSENCES ?? 0 }, () => 'absence created' as const),
    ...Array.from({ length: ATTENDANCES ?? 0 }, () => 'attendance comment' as const),
  ]
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[kinds[i], kinds[j]] = [kinds[j] as Kind, kinds[i] as Kind]
  }
  const seen = new Map<Kind, number>()
  return kinds.map((kind) => {
    const index = seen.get(kind) ?? 0
    seen.set(kind, index + 1)
    return { kind, index, pauseMs: 1_000 + Math.round(random() * 1_000) }
  })
}

/** One change on one simulator; what its record on the topic looks like. */
function change(sim: RunningSimulator, kind: Kind, index: number): { key: string; pending: Pending } {
  const marker = `Bench ${kind} ${index}`
  const employees = sim.company.list('employees')
  if (kind === 'last name') {
    const e = employees[index] as { id: number }
    const at = Date.now()
    sim.company.update('employees', e.id, { lastName: marker })
    return { key: `employees|${e.id}`, pending: { kind, at, matches: (r) => r.last_name === marker } }
  }
  if (kind === 'absence created') {
    const type = sim.company.list('timeOffTypes').find((t) => t.unit === 'day')
    const employee = employees[employees.length - 1 - index] as { id: number }
    const day = Math.floor(Date.now() / 86_400_000) + 30 + index
    const at = Date.now()
    const created = sim.company.create('timeOffs', {
      employeeId: employee.id,
      typeId: type?.id,
      status: 'approved',
      startDay: day,
      endDay: day,
      daysCount: 1,
    })
    return { key: `absences|${created.id}`, pending: { kind, at, matches: () => true } }
  }
  const attendance = sim.company.list('attendances')[index] as { id: string }
  const at = Date.now()
  sim.company.update('attendances', attendance.id, { comment: marker })
  return {
    key: `attendances|${attendance.id}`,
    pending: { kind, at, matches: (r) => r.comment === marker },
  }
}

interface Latency {
  label: string
  made: number
  samples: Sample[]
  missing: { kind: Kind; key: string }[]
  /** the simulator's requests from the first change until the last record arrived */
  requests: Map<string, number>
  requestsTotal: number
  phaseSeconds: number
}

async function measureLatency(sides: Side[], infra: Infra): Promise<Latency[]> {
  const state = sides.map((side) => ({ side, pending: new Map<string, Pending>(), samples: [] as Sample[] }))
  const consumers = await Promise.all(state.map((s) => watchArrivals(s.side, infra, s.pending, s.samples)))
  try {
    await sleep(3_000) // the consumers sit at the end
    const plan = schedule()
    const marks = state.map((s) => s.side.sim.log.length)
    const began = Date.now()
    for (const [n, step] of plan.entries()) {
      await sleep(step.pauseMs)
      for (const s of state) {
        const { key, pending } = change(s.side.sim, step.kind, step.index)
        s.pending.set(key, pending)
      }
      if ((n + 1) % 10 === 0) process.stderr.write(`  ${n + 1} of ${plan.length} changes made\n`)
    }
    // polling: the next poll (≤ 30 s) and its cycle; webhooks: nothing should be left by then
    const until = Date.now() + POLL_FOR_LATENCY_MS * 2 + 15_000
    while (state.some((s) => s.pending.size > 0) && Date.now() < until) await sleep(250)
    const ended = Date.now()
    return state.map((s, i) => {
      const during = s.side.sim.log.slice(marks[i]).filter((e) => e.at <= ended)
      return {
        label: s.side.label,
        made: plan.length,
        samples: [...s.samples],
        missing: [...s.pending.entries()].map(([key, p]) => ({ kind: p.kind, key })),
        requests: countBy(during),
        requestsTotal: during.length,
        phaseSeconds: Math.round((ended - began) / 1000),
      }
    })
  } finally {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)))
  }
}

// ---------------------------------------------------------------------------------------------

const seconds = (ms: number) => Number((ms / 1000).toFixed(2))

function latencyFigures(l: Latency, tag: string): BenchFigure[] {
  const sorted = l.samples.map((s) => s.ms).sort((a, b) => a - b)
  return [
    { name: `${tag} p50 change → Kafka`, value: seconds(percentile(sorted, 50)), unit: 's' },
    { name: `${tag} p95 change → Kafka`, value: seconds(percentile(sorted, 95)), unit: 's' },
    { name: `${tag} max change → Kafka`, value: seconds(sorted[sorted.length - 1] ?? NaN), unit: 's' },
    { name: `${tag} changes seen`, value: l.samples.length, unit: `of ${l.made}` },
  ]
}

function printTables(latencies: Latency[], idle: IdleCost[]): void {
  const out: string[] = ['', 'change → Kafka (s)']
  const kinds: (Kind | 'all')[] = ['all', 'last name', 'absence created', 'attendance comment']
  out.push(
    `  ${'side'.padEnd(26)} ${'changes'.padEnd(20)} ${'n'.padStart(4)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}`,
  )
  for (const l of latencies)
    for (const kind of kinds) {
      const sorted = l.samples
        .filter((s) => kind === 'all' || s.kind === kind)
        .map((s) => s.ms)
        .sort((a, b) => a - b)
      const cell = (ms: number) => (Number.isNaN(ms) ? '-' : (ms / 1000).toFixed(2)).padStart(7)
      out.push(
        `  ${l.label.padEnd(26)} ${kind.padEnd(20)} ${String(sorted.length).padStart(4)} ${cell(percentile(sorted, 50))} ${cell(percentile(sorted, 95))} ${cell(sorted[sorted.length - 1] ?? NaN)}`,
      )
    }
  for (const l of latencies)
    if (l.missing.length > 0)
      out.push(`  ${l.label}: never arrived: ${l.missing.map((m) => `${m.kind} (${m.key})`).join(', ')}`)
  out.push('', 'requests from the first change until the last record arrived (per endpoint)')
  const during = [...new Set(latencies.flatMap((l) => [...l.requests.keys()]))].sort()
  out.push(`  ${'endpoint'.padEnd(64)} ${latencies.map((l) => l.label.padStart(16)).join(' ')}`)
  for (const e of during)
    out.push(
      `  ${e.padEnd(64)} ${latencies.map((l) => String(l.requests.get(e) ?? 0).padStart(16)).join(' ')}`,
    )
  out.push(
    `  ${'total'.padEnd(64)} ${latencies.map((l) => `${l.requestsTotal} in ${l.phaseSeconds} s`.padStart(16)).join(' ')}`,
  )
  out.push('', `idle requests in ${IDLE_SECONDS} s (per endpoint)`)
  const endpoints = [...new Set(idle.flatMap((c) => [...c.window.keys()]))].sort()
  out.push(`  ${'endpoint'.padEnd(64)} ${idle.map((c) => c.label.padStart(16)).join(' ')}`)
  for (const e of endpoints)
    out.push(`  ${e.padEnd(64)} ${idle.map((c) => String(c.window.get(e) ?? 0).padStart(16)).join(' ')}`)
  out.push(
    `  ${'total in the window'.padEnd(64)} ${idle.map((c) => String(c.windowTotal).padStart(16)).join(' ')}`,
  )
  out.push(
    `  ${'× 3600 / window: per hour'.padEnd(64)} ${idle.map((c) => String(c.recurringPerHour).padStart(16)).join(' ')}`,
  )
  out.push(
    `  ${'full listing (first sync, no tokens)'.padEnd(64)} ${idle.map((c) => String(c.fullListing).padStart(16)).join(' ')}`,
  )
  out.push(
    `  ${'reconcile share per hour (listing × 1 h / interval)'.padEnd(64)} ${idle.map((c) => String(c.reconcilePerHour).padStart(16)).join(' ')}`,
  )
  out.push(
    `  ${'requests per hour, idle'.padEnd(64)} ${idle.map((c) => String(c.perHour).padStart(16)).join(' ')}`,
  )
  out.push('', 'one full listing (first sync), per endpoint')
  const listed = [...new Set(idle.flatMap((c) => [...c.fullListingByEndpoint.keys()]))].sort()
  for (const e of listed)
    out.push(
      `  ${e.padEnd(64)} ${idle.map((c) => String(c.fullListingByEndpoint.get(e) ?? 0).padStart(16)).join(' ')}`,
    )
  process.stderr.write(`${out.join('\n')}\n\n`)
}

export async function webhooksVsPolling(): Promise<BenchResult> {
  const infra = await ensureInfra()
  compiledCli() // built once, before any clock starts
  const sides: Side[] = []
  try {
    sides.push(await startSide('webhooks', 'webhooks', infra))
    sides.push(await startSide('polling 30 s', 'polling', infra, POLL_FOR_LATENCY_MS))
    sides.push(await startSide('webhooks idle', 'webhooks', infra))
    sides.push(await startSide('polling idle', 'polling', infra))
    const started = Date.now()
    // each side's first-sync requests end when its last `cycle done` is seen
    await waitFor(
      'every first sync',
      () => {
        for (const side of sides)
          if (side.firstSyncLogEnd === undefined && firstSyncDone(side))
            side.firstSyncLogEnd = side.sim.log.length
        return sides.every((s) => s.firstSyncLogEnd !== undefined)
      },
      FIRST_SYNC_TIMEOUT_MS,
      sides,
    )
    process.stderr.write(`  first syncs done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    const [hooks, polling, hooksIdle, pollingIdle] = sides as [Side, Side, Side, Side]
    const idle = Promise.all([idleCost(hooksIdle, sides), idleCost(pollingIdle, sides)])
    const latencies = await measureLatency([hooks, polling], infra)
    const [hookCost, pollCost] = await idle
    for (const side of sides)
      if (side.exited !== undefined)
        throw new Error(`${side.label}: run exited (${side.exited}) during the bench`)
    printTables(latencies, [hookCost, pollCost])
    const [hookLatency, pollLatency] = latencies as [Latency, Latency]
    return {
      bench: 'webhooks-vs-polling',
      figures: [
        ...latencyFigures(hookLatency, 'webhooks:'),
        ...latencyFigures(pollLatency, 'polling 30 s:'),
        { name: 'webhooks: idle requests per hour', value: hookCost.perHour, unit: 'requests' },
        { name: 'polling (defaults): idle requests per hour', value: pollCost.perHour, unit: 'requests' },
        {
          name: `webhooks: idle requests in ${IDLE_SECONDS} s`,
          value: hookCost.windowTotal,
          unit: 'requests',
        },
        {
          name: `polling: idle requests in ${IDLE_SECONDS} s`,
          value: pollCost.windowTotal,
          unit: 'requests',
        },
        { name: 'one full listing (first sync)', value: pollCost.fullListing, unit: 'requests' },
        {
          name: 'webhooks: requests during the changes',
          value: hookLatency.requestsTotal,
          unit: `in ${hookLatency.phaseSeconds} s`,
        },
        {
          name: 'polling 30 s: requests during the changes',
          value: pollLatency.requestsTotal,
          unit: `in ${pollLatency.phaseSeconds} s`,
        },
      ],
      notes: JSON.stringify({
        setup: `${EMPLOYEES} employees, Personio's real limits, resources ${CAPTURED.join(',')}; ${hookLatency.made} changes 1–2 s apart`,
        perHour: 'window × 3600 / window seconds + full listing × 1 h / reconcile interval',
        missing: Object.fromEntries(latencies.map((l) => [l.label, l.missing])),
        samples: Object.fromEntries(latencies.map((l) => [l.label, l.samples])),
        duringChanges: Object.fromEntries(latencies.map((l) => [l.label, Object.fromEntries(l.requests)])),
        idle: [hookCost, pollCost].map((c) => ({
          ...c,
          window: Object.fromEntries(c.window),
          fullListingByEndpoint: Object.fromEntries(c.fullListingByEndpoint),
        })),
      }),
    }
  } finally {
    await Promise.all(sides.map((s) => stopSide(s).catch(() => undefined)))
  }
}

if (require.main === module) void webhooksVsPolling().then((r) => console.log(JSON.stringify(r, null, 2)))
