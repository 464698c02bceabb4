// Many companies on worker processes (issue #28), the way a deployment runs them: one simulated
// Personio per company in this process (rate limits on, real clock), a companies directory of their
// files (secrets in files), and N `personio-kafka run` children with COMPANIES_DIR joining one
// worker group. A fleet starts, kills, adds and stops workers, adds and removes company files, reads
// each worker's own view from its /readyz, and records who runs what every ~250 ms so a company run
// by two workers at once is caught. The audit is the one of the fault tests (./exactly-once.ts):
// every company's topics, read_committed, hold each change once and equal what its simulator
// serves. Shared by test/integration/workers/ and bench/companies.ts.
import '../../src/kafka/kafkajs/aborted-filter' // before kafkajs: read_committed must hide aborted records
import '../../src/kafka/kafkajs/negative-timeouts' // kafkajs' negative timers warn on Node 23+: see that file
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { freePort } from '../../src/infra/ports'
import { createFeed } from '../../src/kafka/kafkajs/feed'
import type { IncomingRecord } from '../../src/kafka/port'
import type { ResourceName } from '../../src/resources'
import {
  defaultCredential,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../src/simulator'
import type { CompanyPhase } from '../../src/workers/supervisor'
import type { WorkerView } from '../../src/workers/worker'
import { uniqueName } from '../infra/env'
import { startCli, type CliChild } from './cli-child'
import { simulatorTable, tablesEqual, topicDecoder } from './compacted'
import { auditRecords, expectAuditEquals, type Infra, type TopicAudit } from './exactly-once'
import type { Row } from './expected'

/**
 * What every company captures unless told otherwise: two cheap resources of different kinds (an
 * incremental listing with a change stamp, a fingerprinted one) — enough to be real, few enough
 * that 20 companies on three workers leave the CI's two cores to the suites beside them.
 */
export const companyResources: readonly ResourceName[] = ['employees', 'absence_types']

/** A company's size; distinct seeds make distinct companies. Other generator settings may be given. */
export type CompanySize = { employees: number; seed: number } & Omit<
  SimulatorOptions,
  'employees' | 'seed' | 'realClock' | 'rateLimits'
>

/** A simulated company and the file that names it. */
export interface SimCompany {
  id: string
  prefix: string
  sim: RunningSimulator
  resources: readonly ResourceName[]
  /** changes to its data so far (the audit's cached expectation follows it) */
  revision(): number
}

export interface FleetOptions {
  infra: Infra
  /** names the group, the client id, the prefixes: unique per test */
  name: string
  /** WORKER_PARTITIONS (default 32) */
  partitions?: number
  /** environment every worker gets on top of the fleet's own (POLL_INTERVAL_MS, LOG_LEVEL, …) */
  env?: Record<string, string>
  /** how a worker process is started (default: the CLI through tsx, as the tests run it) */
  spawn?: (args: string[], env: Record<string, string>) => CliChild
  /** simulators with Personio's documented limits (default true) */
  rateLimits?: boolean
}

/** One `run` process of the group. */
export interface WorkerProcess {
  name: string
  opsPort: number
  cli: CliChild
  /** set once it exited */
  exited(): boolean
  /** its /readyz: status and the worker's view; undefined when it does not answer */
  readyz(): Promise<ReadyAnswer | undefined>
  /** its /metrics text ('' when it does not answer) */
  metrics(): Promise<string>
}

export interface ReadyAnswer {
  status: number
  body: { status: string; reasons?: string[]; details?: WorkerView }
}

export interface Fleet {
  name: string
  dir: string
  group: string
  /** what every worker's environment holds besides its name and ops port (also what `status --group` needs) */
  env: Record<string, string>
  companies: Map<string, SimCompany>
  /** every worker started, the dead ones too */
  workers: WorkerProcess[]
  /** starts a simulator and writes its company file (and secret) into the directory */
  addCompany(id: string, size: CompanySize, file?: Partial<CompanyFileOptions>): Promise<SimCompany>
  /** starts the simulator only: `publish` writes the file later (many files at one moment) */
  prepareCompany(id: string, size: CompanySize, file?: Partial<CompanyFileOptions>): Promise<SimCompany>
  /** writes a prepared company's secret and file into the directory */
  publish(company: SimCompany): void
  /** writes a file of the directory as given (a malformed one, a fix) */
  writeFile(name: string, text: string): void
  removeFile(name: string): void
  /** spawns a worker; it answers /readyz once joined */
  startWorker(name: string): Promise<WorkerProcess>
  /** the workers still running */
  live(): WorkerProcess[]
  /** kills what still runs, closes the simulators, removes the directory and the fleet's topics */
  close(): Promise<void>
}

export interface CompanyFileOptions {
  prefix: string
  /** what the secret file holds (the simulator's secret unless a test wants it wrong) */
  secret: string
  resources: readonly string[]
}

const SIM_SIZES = {
  // data of resources the companies do not capture costs generation time and memory only
  absencesPerEmployee: 0,
  absencePeriodsPerEmployee: 0,
  attendancesPerEmployee: 0,
  reports: 0,
  customAttributes: 2,
} as const

/** The text of a company file for `company`. */
export function companyFileText(
  sim: { url: string },
  id: string,
  o: Omit<CompanyFileOptions, 'secret'>,
): string {
  return `${JSON.stringify(
    {
      prefix: o.prefix,
      personio: { baseUrl: sim.url, clientId: defaultCredential.clientId, clientSecretFile: `${id}.secret` },
      resources: o.resources,
    },
    null,
    2,
  )}\n`
}

export async function openFleet(o: FleetOptions): Promise<Fleet> {
  const stamp = uniqueName(o.name)
  const dir = mkdtempSync(join(tmpdir(), `${o.name}-companies-`))
  const group = `${stamp}.workers`
  const companies = new Map<string, SimCompany>()
  const secrets = new Map<string, string>()
  const workers: WorkerProcess[] = []
  const spawn = o.spawn ?? ((args, env) => startCli(args, env, 30 * 60_000))

  // plain writes, as an operator's editor makes them (the files are small: written in one go)
  const writeFile = (name: string, text: string) => writeFileSync(join(dir, name), text)

  const env: Record<string, string> = {
    KAFKA_BROKERS: o.infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: o.infra.registryUrl,
    KAFKA_CLIENT_ID: stamp,
    TOPIC_REPLICATION_FACTOR: '1',
    COMPANIES_DIR: dir,
    WORKER_GROUP: group,
    WORKER_PARTITIONS: String(o.partitions ?? 32),
    // the brokers' floor: a SIGKILLed worker loses its companies after 6 s without a heartbeat
    WORKER_SESSION_TIMEOUT_MS: '6000',
    WORKER_HEARTBEAT_MS: '1000',
    COMPANIES_RESCAN_MS: '1000',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    POLL_INTERVAL_MS: '4000',
    // every cycle lists everything: deletes are found in the next cycle, not an hour later
    RECONCILE_INTERVAL_MS: '0',
    // a round of deletes in a small table passes the guard's share: confirmed by the next listing
    DELETE_GUARD_MODE: 'hold-then-publish',
    DELETE_GUARD_HOLD_MS: '0',
    ...o.env,
  }

  const fleet: Fleet = {
    name: stamp,
    dir,
    group,
    env,
    companies,
    workers,
    async addCompany(id, size, file = {}) {
      const company = await fleet.prepareCompany(id, size, file)
      fleet.publish(company)
      return company
    },
    async prepareCompany(id, size, file = {}) {
      const sim = await startSimulator({
        ...SIM_SIZES,
        ...size,
        realClock: true,
        rateLimits: o.rateLimits ?? true,
      })
      let revision = 0
      sim.company.watch(() => (revision += 1))
      const resources = (file.resources ?? companyResources) as readonly ResourceName[]
      const company: SimCompany = {
        id,
        prefix: file.prefix ?? `${stamp}.${id}`,
        sim,
        resources,
        revision: () => revision,
      }
      companies.set(id, company)
      secrets.set(id, file.secret ?? defaultCredential.clientSecret)
      return company
    },
    publish(company) {
      writeFile(`${company.id}.secret`, `${secrets.get(company.id) ?? defaultCredential.clientSecret}\n`)
      writeFile(
        `${company.id}.json`,
        companyFileText(company.sim, company.id, { prefix: company.prefix, resources: company.resources }),
      )
    },
    writeFile,
    removeFile: (name) => unlinkSync(join(dir, name)),
    async startWorker(name) {
      const opsPort = await freePort()
      const cli = spawn(['run'], { ...env, WORKER_NAME: name, METRICS_PORT: String(opsPort) })
      const base = `http://127.0.0.1:${opsPort}`
      let exited = false
      void cli.done.then(() => (exited = true))
      const worker: WorkerProcess = {
        name,
        opsPort,
        cli,
        exited: () => exited,
        async readyz() {
          try {
            const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3_000) })
            return { status: res.status, body: (await res.json()) as ReadyAnswer['body'] }
          } catch {
            return undefined
          }
        },
        async metrics() {
          try {
            const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(3_000) })
            return await res.text()
          } catch {
            return ''
          }
        },
      }
      workers.push(worker)
      return worker
    },
    live: () => workers.filter((w) => !w.exited()),
    async close() {
      for (const w of workers) if (!w.exited()) w.cli.child.kill('SIGKILL')
      await Promise.all(workers.map((w) => w.cli.done))
      await Promise.all([...companies.values()].map((c) => c.sim.close()))
      rmSync(dir, { recursive: true, force: true })
      // hundreds of topics per run would slow a developer's long-lived broker down, run after run
      await deleteTopics(o.infra.brokers, stamp).catch(() => undefined)
    },
  }
  return fleet
}

/** Deletes every topic whose name starts with `prefix` (a fleet's: its companies' and its group's). */
export async function deleteTopics(brokers: string[], prefix: string): Promise<number> {
  const kafka = new Kafka({ brokers, clientId: 'test-workers-cleanup', logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix))
    for (let i = 0; i < topics.length; i += 100)
      await admin.deleteTopics({ topics: topics.slice(i, i + 100), timeout: 30_000 })
    return topics.length
  } finally {
    await admin.disconnect()
  }
}

/** Polls `check` until it returns a value (not undefined), or fails naming `what` with the last `describe`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  {
    timeoutMs = 90_000,
    everyMs = 250,
    describe = () => '',
  }: { timeoutMs?: number; everyMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe()}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Waits for the worker's /readyz to answer 200 (it joined the group, Kafka and the registry answer). */
export async function waitReady(worker: WorkerProcess, timeoutMs = 90_000): Promise<ReadyAnswer> {
  return waitUntil(
    `${worker.name} to be ready`,
    async () => {
      if (worker.exited())
        throw new Error(`${worker.name} exited: ${worker.cli.output().stderr.slice(-3000)}`)
      const answer = await worker.readyz()
      return answer?.status === 200 ? answer : undefined
    },
    { timeoutMs },
  )
}

/** SIGKILL or SIGTERM; resolves with how it ended once it did. */
export async function signalWorker(worker: WorkerProcess, signal: 'SIGKILL' | 'SIGTERM') {
  worker.cli.child.kill(signal)
  return worker.cli.done
}

// ---- who runs what ----------------------------------------------------------------------------

/** One worker's answer in one round of polling. */
export interface WorkerAnswer {
  worker: string
  /** when the request went out (the answer describes a moment after this) */
  sentAt: number
  status: number | undefined
  view?: WorkerView
}

/** One round: every live worker asked at once. */
export interface Observation {
  at: number
  answers: WorkerAnswer[]
}

/** A company seen in two workers' running lists. */
export interface Overlap {
  company: string
  workers: [string, string]
  /** how it was seen: in one round, or proven by the phases' `sinceMs` across rounds */
  how: 'same round' | 'proven'
  at: number
}

/** Company id → the workers reporting it in `phase` in this round. */
export function companiesIn(
  observation: Observation,
  phase: CompanyPhase = 'running',
): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const a of observation.answers)
    for (const c of a.view?.companies ?? [])
      if (c.phase === phase) out.set(c.id, [...(out.get(c.id) ?? []), a.worker])
  return out
}

/** One round: each of `workers` asked for its view at once. */
export async function observe(workers: readonly WorkerProcess[]): Promise<Observation> {
  const at = Date.now()
  const answers = await Promise.all(
    workers.map(async (w): Promise<WorkerAnswer> => {
      const sentAt = Date.now()
      const answer = await w.readyz()
      return {
        worker: w.name,
        sentAt,
        status: answer?.status,
        ...(answer?.body.details === undefined ? {} : { view: answer.body.details }),
      }
    }),
  )
  return { at, answers }
}

/**
 * Who runs what, recorded every `everyMs` until stopped. A company in two workers' running lists in
 * one round is an overlap; so is one whose two runs are proven to intersect in time: a worker that
 * says "running since s" in an answer to a request sent at t ran it throughout [s, t] (both clocks are
 * this machine's), and two such intervals of different workers that meet are two runs at once, even
 * when no single round caught both.
 */
export interface GroupWatch {
  observations: Observation[]
  overlaps(): Overlap[]
  /** the first observation at or after `fromMs` in which `check` holds */
  firstWhere(fromMs: number, check: (o: Observation) => boolean): Observation | undefined
  stop(): Promise<void>
}

export function watchGroup(fleet: Fleet, everyMs = 250): GroupWatch {
  const observations: Observation[] = []
  const sameRound: Overlap[] = []
  /** company → worker → runs seen: since → the last request time it was seen running at */
  const runs = new Map<string, Map<string, Map<number, number>>>()
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const o = await observe(fleet.live())
      observations.push(o)
      for (const [company, holders] of companiesIn(o))
        if (holders.length > 1)
          sameRound.push({
            company,
            workers: [holders[0] as string, holders[1] as string],
            how: 'same round',
            at: o.at,
          })
      for (const a of o.answers)
        for (const c of a.view?.companies ?? []) {
          if (c.phase !== 'running') continue
          const byWorker = runs.get(c.id) ?? new Map<string, Map<number, number>>()
          runs.set(c.id, byWorker)
          const seen = byWorker.get(a.worker) ?? new Map<number, number>()
          byWorker.set(a.worker, seen)
          seen.set(c.sinceMs, Math.max(seen.get(c.sinceMs) ?? 0, a.sentAt))
        }
      await new Promise((r) => setTimeout(r, everyMs))
    }
  })()
  const proven = (): Overlap[] => {
    const out: Overlap[] = []
    for (const [company, byWorker] of runs) {
      const intervals = [...byWorker].flatMap(([worker, seen]) =>
        [...seen]
          .filter(([since, until]) => since <= until)
          .map(([since, until]) => ({ worker, since, until })),
      )
      for (const a of intervals)
        for (const b of intervals)
          if (a.worker < b.worker && Math.max(a.since, b.since) <= Math.min(a.until, b.until))
            out.push({
              company,
              workers: [a.worker, b.worker],
              how: 'proven',
              at: Math.max(a.since, b.since),
            })
    }
    return out
  }
  return {
    observations,
    overlaps: () => [...sameRound, ...proven()],
    firstWhere: (fromMs, check) => observations.find((o) => o.at >= fromMs && check(o)),
    async stop() {
      stopped = true
      await loop
    },
  }
}

/** Every company of `ids` running on exactly one worker (of `on`, when given): company → worker. */
export function placement(
  o: Observation,
  ids: readonly string[],
  on?: readonly string[],
): Map<string, string> | undefined {
  const running = companiesIn(o)
  const out = new Map<string, string>()
  for (const id of ids) {
    const holders = running.get(id) ?? []
    if (holders.length !== 1) return undefined
    if (on !== undefined && !on.includes(holders[0] as string)) return undefined
    out.set(id, holders[0] as string)
  }
  return out
}

/** Waits until every company of `ids` runs on exactly one worker (of `on`). */
export async function waitPlaced(
  fleet: Fleet,
  ids: readonly string[],
  { on, timeoutMs = 120_000 }: { on?: readonly string[]; timeoutMs?: number } = {},
): Promise<Map<string, string>> {
  let last: Observation | undefined
  return waitUntil(
    `${ids.length} companies placed`,
    async () => {
      last = await observe(fleet.live())
      return placement(last, ids, on)
    },
    { timeoutMs, describe: () => `; last seen: ${describeObservation(last)}` },
  )
}

export function describeObservation(o: Observation | undefined): string {
  if (o === undefined) return 'nothing'
  const companies = o.answers.flatMap((a) => a.view?.companies ?? [])
  // why a company failed, once per distinct message: the codes alone do not say what to fix
  const why = [
    ...new Set(
      companies.flatMap((c) => (c.error === undefined ? [] : [`${c.error.code}: ${c.error.message}`])),
    ),
  ]
  return (
    o.answers
      .map(
        (a) =>
          `${a.worker} (${String(a.status)}): ${(a.view?.companies ?? []).map((c) => `${c.id}=${c.phase}${c.error === undefined ? '' : `[${c.error.code}]`}`).join(' ')}`,
      )
      .join(' | ') + (why.length === 0 ? '' : `; why: ${why.join(' / ')}`)
  )
}

// ---- the audit ---------------------------------------------------------------------------------

/**
 * Many topics read_committed from the beginning by one consumer (one group join for all of them,
 * not one per topic): topic → its records in partition and offset order.
 */
export async function readTopics(
  brokers: string[],
  topics: readonly string[],
): Promise<Map<string, IncomingRecord[]>> {
  const kafka = new Kafka({
    brokers,
    clientId: 'test-workers-audit',
    logLevel: logLevel.NOTHING,
    requestTimeout: 10_000,
  })
  const out = new Map<string, IncomingRecord[]>(topics.map((t) => [t, []]))
  const feed = createFeed(kafka, { groupId: uniqueName('audit'), topics, untilCaughtUp: true })
  await feed.run(async (batch) => {
    for (const r of batch.records) out.get(r.topic)?.push(r)
  })
  for (const records of out.values())
    records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))
  return out
}

/**
 * What each company's simulator serves, per resource, read over HTTP by the oracle; cached until
 * the company's data changes, since the simulators enforce Personio's limits (an oracle polling
 * every second would spend the auth budget and throttle the product it checks).
 */
export function createOracle(): (company: SimCompany, resource: ResourceName) => Promise<Map<string, Row>> {
  const cache = new Map<string, { revision: number; table: Promise<Map<string, Row>> }>()
  return (company, resource) => {
    const key = `${company.id}/${resource}`
    const hit = cache.get(key)
    if (hit !== undefined && hit.revision === company.revision()) return hit.table
    const table = simulatorTable(company.sim, resource)
    cache.set(key, { revision: company.revision(), table })
    table.catch(() => cache.delete(key))
    return table
  }
}

export interface CompanyAudit {
  company: string
  audits: TopicAudit[]
  /** every topic's table equals the simulator's */
  converged: boolean
  /** duplicates of any topic */
  duplicates: string[]
}

/** Each company's topics audited against its simulator (one read of every topic). */
export async function auditCompanies(
  infra: Infra,
  companies: readonly SimCompany[],
  oracle = createOracle(),
): Promise<CompanyAudit[]> {
  const topics = companies.flatMap((c) => c.resources.map((r) => `${c.prefix}.${r}`))
  const records = await readTopics(infra.brokers, topics)
  return Promise.all(
    companies.map(async (c) => {
      const decoder = topicDecoder(infra.registryUrl, c.prefix)
      const audits: TopicAudit[] = []
      let converged = true
      for (const resource of c.resources) {
        const audit = await auditRecords(resource, records.get(`${c.prefix}.${resource}`) ?? [], decoder)
        audits.push(audit)
        if (converged && !tablesEqual(resource, audit.table, await oracle(c, resource))) converged = false
      }
      return {
        company: c.id,
        audits,
        converged,
        duplicates: audits.flatMap((a) => a.duplicates.map((d) => `${c.prefix}.${a.resource}: ${d}`)),
      }
    }),
  )
}

/**
 * Waits until every company's topics equal its simulator (a duplicate fails at once: it never goes
 * away), then checks each exactly as expectExactlyOnce does, so a timeout fails with the difference.
 */
export async function expectCompaniesConverged(
  infra: Infra,
  companies: readonly SimCompany[],
  {
    timeoutMs = 90_000,
    oracle = createOracle(),
  }: { timeoutMs?: number; oracle?: ReturnType<typeof createOracle> } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let audits: CompanyAudit[]
  for (;;) {
    try {
      audits = await auditCompanies(infra, companies, oracle)
    } catch (error) {
      // a topic not created yet (a company still starting): read again
      if (Date.now() > deadline) throw error
      await new Promise((r) => setTimeout(r, 1_000))
      continue
    }
    const duplicates = audits.flatMap((a) => a.duplicates)
    expect(duplicates).toEqual([])
    if (audits.every((a) => a.converged) || Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 1_000))
  }
  for (const a of audits) {
    const company = companies.find((c) => c.id === a.company) as SimCompany
    for (const audit of a.audits) expectAuditEquals(audit, await oracle(company, audit.resource))
  }
}

// ---- changes -----------------------------------------------------------------------------------

/** One round of edits of the captured resources: a hire, an update and a leaver; a type renamed and one removed; a category and a project changed. */
export function changeCompanyData(company: SimCompany, round: number): void {
  const c = company.sim.company
  const [e0, e1] = c.list('employees')
  c.update('employees', e0?.id as number, { position: `Role ${round}` })
  c.create('employees', {
    firstName: 'Grace',
    lastName: `Hopper ${round}`,
    email: `grace.${round}@example.com`,
  })
  if (e1 !== undefined) c.remove('employees', e1.id)
  const types = c.list('timeOffTypes')
  c.update('timeOffTypes', types[0]?.id as number, { name: `Urlaub ${round}` })
  if (types.length > 3) c.remove('timeOffTypes', types[types.length - 1]?.id as number)
  const [d0] = c.list('documentCategories')
  if (d0 !== undefined) c.update('documentCategories', d0.id, { name: `Verträge ${round}` })
  const [p0] = c.list('projects')
  if (p0 !== undefined) c.update('projects', p0.id, { name: `Project ${round}` })
}

// ---- metrics -----------------------------------------------------------------------------------

export interface Sample {
  labels: Record<string, string>
  value: number
}

/** The samples of one metric in Prometheus' text format. */
export function samples(text: string, metric: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue
    const m = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)/.exec(line)
    if (m === null) continue
    const labels: Record<string, string> = {}
    for (const l of (m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = l[2] as string
    out.push({ labels, value: Number(m[2]) })
  }
  return out
}

/** The JSON log lines a worker wrote to stderr. */
export function workerLog(worker: WorkerProcess): Record<string, unknown>[] {
  return worker.cli
    .output()
    .stderr.split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>]
      } catch {
        return []
      }
    })
}
