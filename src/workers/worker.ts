// One worker of a group (issue #28): every `run` process started with COMPANIES_DIR is one, and any
// number of identical ones share the companies of the directory. Kafka's group coordinator decides
// which worker holds which partitions of the companies topic (./membership.ts); a company runs on
// the worker holding the partition its id hashes to. The worker reads the directory, follows its
// assignment, and keeps the supervisor's companies equal to "mine and in the directory". What the
// companies share in one process is shared once: the Kafka client, the webhook ingress, and
// Personio's per-IP v1 budget, served fairly across companies.
import { hostname } from 'node:os'
import { combineLatest, debounceTime, Subject, type Subscription } from 'rxjs'
import type { Company, CompanyDirectory } from '../companies/company'
import { companyConfig } from '../companies/company-config'
import { readCompanyDirectory } from '../companies/directory'
import { companyPartition } from '../companies/partition'
import { watchCompanies } from '../companies/watch'
import { openEngine } from '../capture/engine/engine'
import { captureOutcome } from '../capture/engine/outcome'
import type { CaptureKafka } from '../capture/ports'
import type { Config } from '../config'
import { AuthError, KafkaError } from '../errors'
import { batchBudget, DEFAULT_MAX_MESSAGE_BYTES } from '../kafka/record-size'
import { joinWorkerGroup, openCaptureKafka } from '../kafka'
import { publish } from '../ops/channels'
import { inEngine } from '../ops/engine-scope'
import type { Logger } from '../ops/logger'
import { documentedLimits } from '../personio/rate-families'
import { rateSettings } from '../personio/rate-settings'
import { createSharedBudget, type SharedBudget } from '../personio/shared-budget'
import { wallTiming } from '../personio/timing'
import type { Receiver } from '../webhooks/receiver'
import type { Assignment, WorkerGroup } from './membership'
import { createSupervisor, type CompanyRun, type CompanyState, type Supervisor } from './supervisor'
import { startWebhookIngress } from './webhook-ingress'

export interface WorkerOptions {
  /** the deployment's settings; each company's are these with its file applied (companies/company-config.ts) */
  config: Config
  logger: Logger
  /** where this worker's ops endpoint answers: other workers' `status --group` reads it */
  opsUrl?: string
}

export interface WorkerView {
  worker: string
  groupId: string
  /** the last assignment; undefined until the worker joined */
  assignment?: Assignment
  companies: CompanyState[]
  /** company files refused, one line each */
  refused: string[]
  /** the directory could not be read at the last scan: the view before it is kept */
  directoryProblem?: string
}

export interface Worker {
  name: string
  view(): WorkerView
  /** company/resource of each transaction in flight (what a stop waits for) */
  busy(): string[]
  /** cheap calls that reject when Kafka is unreachable (/readyz) */
  probes: Record<string, () => Promise<unknown>>
  /** settles when the worker can go on no longer (it lost the group for good) */
  failed: Promise<unknown>
  /** every company stopped gracefully (transactions close), then the group left: the others take over at once */
  stop(): Promise<void>
}

/** A failed company is tried again after this, doubling up to RETRY_MAX_MS (or at once when its file changes). */
const RETRY_MS = 30_000
/**
 * A company whose failure may pass by itself (a loaded broker timed out its start: seen in CI with
 * 20 companies starting beside two JVMs) is tried again after this, doubling up to RETRY_MAX_MS.
 */
const TRANSIENT_RETRY_MS = 2_000
const RETRY_MAX_MS = 10 * 60_000
/** The directory quiet this long after companies were added or removed, the leader rebalances if it helps. */
const REBALANCE_QUIET_MS = 3_000
/** A stop waits this long for the companies' transactions before it leaves the group regardless. */
const STOP_BEFORE_LEAVE_MS = 15_000
/**
 * A company fenced while still this worker's (a rebalance that moved it away and back) is taken
 * back after this, doubling while fencings follow each other (a loaded broker rebalances often).
 */
const FENCED_RETRY_MS = 1_000
/** A worker waits out a Personio, registry or Kafka outage this long at a company's start. */
const PREFLIGHT_PATIENCE_MS = 120_000

export const workerGroupOf = (config: Config): string =>
  config.workers.group ?? `${config.kafka.clientId}.workers`
export const companiesTopicOf = (groupId: string): string => `${groupId}.companies`

const sameCompanies = (a: CompanyDirectory, b: CompanyDirectory): boolean =>
  a.companies.size === b.companies.size && [...a.companies.keys()].every((id) => b.companies.has(id))

/**
 * An assignment naming a partition beyond the count this worker joined with: the companies topic
 * grew under running workers, and companies would hash differently on each — the worker stops.
 */
export function grownTopic(
  assignment: Assignment,
  partitions: number,
  topic: string,
): KafkaError | undefined {
  const beyond = assignment.partitions.find((p) => p >= partitions)
  if (beyond === undefined) return undefined
  return new KafkaError(
    `the companies topic ${topic} has more partitions than the ${partitions} this worker joined with (partition ${beyond} assigned): its partition count changed while workers ran; stop every worker and start them again (and never change WORKER_PARTITIONS of a running group)`,
  )
}

/** The companies of `directory` on the partitions of `assignment`. */
export function companiesOf(
  directory: CompanyDirectory,
  assignment: Assignment,
  partitions: number,
): Map<string, Company> {
  const held = new Set(assignment.partitions)
  const mine = new Map<string, Company>()
  for (const [id, company] of directory.companies)
    if (held.has(companyPartition(id, partitions))) mine.set(id, company)
  return mine
}

/**
 * Companies per partition as the directory says, counted once per directory and partition count
 * (the leader asks for every partition at every rebalance).
 */
function weightOf(directory: () => CompanyDirectory): (partition: number, partitions: number) => number {
  let counted: { of: CompanyDirectory; partitions: number; counts: Map<number, number> } | undefined
  return (partition, partitions) => {
    const now = directory()
    if (counted?.of !== now || counted.partitions !== partitions) {
      const counts = new Map<number, number>()
      for (const id of now.companies.keys()) {
        const p = companyPartition(id, partitions)
        counts.set(p, (counts.get(p) ?? 0) + 1)
      }
      counted = { of: now, partitions, counts }
    }
    return counted.counts.get(partition) ?? 0
  }
}

/** The per-IP v1 budget of one process: PERSONIO_RATE_LIMITS' v1-global, or Personio's documented 2,000/min. */
function v1Budget(config: Config): SharedBudget {
  const { rateLimits } = rateSettings(config.personio)
  const spec = rateLimits?.['v1-global'] ?? documentedLimits['v1-global']
  return createSharedBudget(wallTiming, spec)
}

/** Personio's refusal said in the company's words: which file and which secret to fix, not PERSONIO_*. */
function refusedCompany(company: Company, error: AuthError): AuthError {
  return new AuthError(
    `Personio refused the credentials of company ${company.spec.id}${error.status === undefined ? '' : ` (${error.status})`}: check personio.clientId in ${company.file} and the secret in ${company.spec.personio.clientSecretFile}, and that the credential is active`,
    error.status,
    { cause: error },
  )
}

/** A company's capture as the supervisor runs it: its engine, on the worker's shared Kafka and budget. */
function companyRunner(config: Config, logger: Logger, kafka: CaptureKafka, budget: SharedBudget) {
  return async (company: Company, abandon: AbortSignal): Promise<CompanyRun> => {
    const engine = await openEngine({
      signal: abandon,
      config: companyConfig(config, company),
      logger,
      engine: company.spec.id,
      kafka,
      personioBudget: budget,
      webhookIngress: 'shared',
      preflightPatienceMs: PREFLIGHT_PATIENCE_MS,
    }).catch((error: unknown) => {
      throw error instanceof AuthError ? refusedCompany(company, error) : error
    })
    const outcome = captureOutcome(engine.selected)
    let end: (value: { error: unknown }) => void = () => undefined
    const ended = new Promise<{ error: unknown }>((resolve) => (end = resolve))
    const running = engine.run((event) => {
      if (event.kind !== 'stopped') return
      logger.error(
        { resource: event.resource },
        `${event.resource} stopped: ${(event.error as Error)?.message ?? String(event.error)}`,
      )
      const over = outcome.see(event)
      if (over !== undefined) end({ error: over.error })
    })
    let stopping: Promise<void> | undefined
    return {
      ended,
      busy: () => engine.busy(),
      stop: () =>
        (stopping ??= (async () => {
          await engine.stop()
          await running.catch(() => undefined)
          await engine.close()
        })()),
    }
  }
}

export async function startWorker(o: WorkerOptions): Promise<Worker> {
  const { config, logger } = o
  const dir = config.workers.companiesDir as string
  const name = config.workers.name ?? `${hostname()}-${process.pid}`
  const groupId = workerGroupOf(config)
  // the first scan refuses an unreadable directory in one line, before anything connects
  let directory: CompanyDirectory & { problem?: string } = readCompanyDirectory(dir)
  const kafka = openCaptureKafka(config.kafka, logger)
  const budget = v1Budget(config)
  const supervisor: Supervisor = createSupervisor({
    runner: companyRunner(config, logger, kafka, budget),
    retryMs: RETRY_MS,
    transientRetryMs: TRANSIENT_RETRY_MS,
    retryMaxMs: RETRY_MAX_MS,
    fencedRetryMs: FENCED_RETRY_MS,
    now: Date.now,
    after: (ms, fn) => {
      const timer = setTimeout(fn, ms)
      return () => clearTimeout(timer)
    },
    onChange: (state) => told(state),
  })
  const told = (state: CompanyState) => {
    inEngine(state.id, () =>
      publish('personio-kafka:workers:company', {
        phase: state.phase,
        ...(state.error === undefined ? {} : { error: state.error }),
      }),
    )
    if (state.phase === 'failed')
      logger.error(
        { company: state.id, code: state.error?.code },
        `company ${state.id} failed: ${state.error?.message ?? 'unknown error'}; tried again at ${new Date(state.retryAtMs ?? Date.now()).toISOString()} or when its file changes`,
      )
    else logger.info({ company: state.id }, `company ${state.id}: ${state.phase}`)
  }

  let ingress: Receiver | undefined
  let group: WorkerGroup | undefined
  let assignment: Assignment | undefined
  let subscription: Subscription | undefined
  const companiesChanged = new Subject<void>()
  let fail: (error: unknown) => void = () => undefined
  const failed = new Promise<unknown>((resolve) => (fail = resolve))
  // a refusal is said once while it lasts, and again if a file fixed meanwhile breaks the same way
  let refusedBefore = new Set<string>()
  const sayRefused = (d: CompanyDirectory & { problem?: string }) => {
    for (const r of d.refused)
      if (!refusedBefore.has(r.why)) logger.error({ file: r.file }, `company file refused: ${r.why}`)
    refusedBefore = new Set(d.refused.map((r) => r.why))
    if (d.problem !== undefined) logger.warn(`${dir}: ${d.problem}; the companies read before are kept`)
    publish('personio-kafka:workers:directory', { companies: d.companies.size, refused: d.refused.length })
  }
  sayRefused(directory)
  try {
    if (config.webhooks.publicUrl !== undefined) {
      const writer = kafka.durableWriter({ batchBudget: () => batchBudget(DEFAULT_MAX_MESSAGE_BYTES) })
      ingress = await startWebhookIngress({
        webhooks: config.webhooks,
        logger,
        writer,
        companies: () => directory.companies,
      })
      logger.info({ url: ingress.url }, `webhook ingress listening on ${ingress.url}/<company>`)
    }
    const joined = await joinWorkerGroup(config.kafka, logger, {
      groupId,
      topic: companiesTopicOf(groupId),
      partitions: config.workers.partitions,
      sessionTimeoutMs: config.workers.sessionTimeoutMs,
      heartbeatIntervalMs: config.workers.heartbeatIntervalMs,
      worker: { name, ...(o.opsUrl === undefined ? {} : { opsUrl: o.opsUrl }) },
      // the leader balances companies, not partitions: its directory says how many hash to each
      weight: weightOf(() => directory),
    })
    group = joined
    subscription = combineLatest([
      joined.assignments,
      watchCompanies(dir, config.workers.rescanMs),
    ]).subscribe({
      next: ([a, d]) => {
        const grown = grownTopic(a, joined.partitions, companiesTopicOf(groupId))
        if (grown !== undefined) {
          fail(grown)
          return
        }
        if (d !== directory) sayRefused(d)
        if (d !== directory && !sameCompanies(d, directory)) companiesChanged.next()
        directory = d
        if (assignment?.generation !== a.generation)
          logger.info(
            { generation: a.generation, partitions: a.partitions.length },
            `worker ${name}: assignment of generation ${a.generation}`,
          )
        assignment = a
        supervisor.reconcile(companiesOf(d, a, joined.partitions))
      },
      error: (error: unknown) => fail(error),
    })
    // Companies added or removed change the balance, which the group only recomputes when it
    // rebalances: once the directory has been quiet a moment, the leader asks for one if it helps.
    subscription.add(
      companiesChanged.pipe(debounceTime(REBALANCE_QUIET_MS)).subscribe(() => {
        if (assignment?.leader !== true) return
        joined.rebalance().then(
          (asked) => {
            if (asked) logger.info('companies added or removed: the group assigned again to balance them')
          },
          (error: unknown) =>
            logger.warn(`asking the group to balance the companies failed: ${(error as Error).message}`),
        )
      }),
    )
  } catch (error) {
    await ingress?.close().catch(() => undefined)
    await kafka.close().catch(() => undefined)
    throw error
  }

  let stopping: Promise<void> | undefined
  return {
    name,
    view: () => ({
      worker: name,
      groupId,
      ...(assignment === undefined ? {} : { assignment }),
      companies: supervisor.states(),
      refused: directory.refused.map((r) => r.why),
      ...(directory.problem === undefined ? {} : { directoryProblem: directory.problem }),
    }),
    busy: () => supervisor.busy(),
    probes: { kafka: () => kafka.admin.ping() },
    failed,
    stop: () =>
      (stopping ??= (async () => {
        subscription?.unsubscribe()
        // transactions close first; only then may another worker take the companies over. A start
        // that waits out an outage cannot be cut short: past the deadline the group is left anyway,
        // and a company still starting here is fenced by its next owner
        await Promise.race([
          supervisor.stopAll(),
          new Promise((r) => setTimeout(r, STOP_BEFORE_LEAVE_MS).unref()),
        ])
        await group
          ?.leave()
          .catch((error: unknown) =>
            logger.warn(
              `leaving the group failed (the others take over after the session timeout): ${(error as Error).message}`,
            ),
          )
        await ingress?.close().catch(() => undefined)
        await kafka.close().catch(() => undefined)
      })()),
  }
}
