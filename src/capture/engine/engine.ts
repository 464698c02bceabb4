// The composition root of capture, read as a table: configuration → the ports (Personio, the
// registry, Kafka — or the ones given, such as src/kafka/memory/ in tests), the context capture
// runs in, the start-up (preflight, topics, fencing, the state restored) — then `syncOnce`,
// `snapshot` or `run` over the coordinator. Personio credentials are required: a product run
// never falls back to the simulator on its own.
import { asyncScheduler, type SchedulerLike } from 'rxjs'
import type { Config } from '../../config'
import type { SchemaRegistryClient } from '../../contract/registry'
import { DEFAULT_ENGINE, engineScheduler, inEngine } from '../../ops/engine-scope'
import type { Logger } from '../../ops/logger'
import type { SharedBudget } from '../../personio/shared-budget'
import type { Resource, ResourceName } from '../../resources'
import type { CaptureContext, Clock } from '../context'
import type { CaptureKafka } from '../ports'
import type { PipelineEvent } from './coordinator'
import { oneShot } from './one-shots'
import { checkEngineOptions, openPorts } from './open-ports'
import { probeSubject } from './preflight'
import type { Report } from './report'
import type { CycleRetryPolicy } from './retry-backoff'
import { service } from './run'
import { trackFeeds } from './slots'
import { startUp } from './start-up'
import { wireContext } from './wire-context'
import type { Wiring } from './wiring'

export { checkEngineOptions } from './open-ports'
export type { Report } from './report'

export interface EngineOptions {
  config: Config
  logger: Logger
  /** narrows the configured resources (`--resources`) */
  only?: readonly ResourceName[]
  /** Personio to read instead of the configured one: only `demo` and explicit simulator runs pass it */
  personio?: { baseUrl: string; clientId: string; clientSecret: string }
  /** Kafka to use instead of the configured brokers (src/kafka/memory/ in tests); the caller closes it */
  kafka?: CaptureKafka
  /** the schema registry to use instead of SCHEMA_REGISTRY_URL (src/contract/memory-registry.ts in tests) */
  registry?: SchemaRegistryClient
  scheduler?: SchedulerLike
  clock?: Clock
  /**
   * The engine's name on every diagnostics message, metric, /readyz reason and log line (ops/
   * engine-scope.ts): one per company when a process runs several. A single-company run passes
   * none, and its output stays as it always was.
   */
  engine?: string
  retry?: CycleRetryPolicy
  /** the service waits out a Personio, registry or Kafka outage at start this long; one-shots: 0 */
  preflightPatienceMs?: number
  /**
   * abandons the start: a wait for an outage ends, the steps left are skipped, what was opened is
   * closed and openEngine rejects. Only the start: once open, `stop()` ends the engine.
   */
  signal?: AbortSignal
  /**
   * Personio's v1 budget (2,000/min per IP), shared fairly by every engine of the process: each
   * draws on it under its name, so one company's first sync does not starve another's changes
   */
  personioBudget?: SharedBudget
  /**
   * Who receives the webhook deliveries: 'own' (default) a receiver of this engine; 'shared' the
   * worker's one ingress for every company (src/workers/webhook-ingress.ts), which writes them into
   * this engine's inbox: the engine opens no listener and does all the rest (gap fill, coverage)
   */
  webhookIngress?: 'own' | 'shared'
}

export interface Engine {
  ctx: CaptureContext
  selected: Resource[]
  /** one cycle of every selected resource, then the stages caught up with what it published */
  syncOnce(): Promise<PipelineEvent<Report>[]>
  /** every selected resource re-read in full and published as `r`; deletes found on the way */
  snapshot(): Promise<PipelineEvent<Report>[]>
  /** the service: polls until `stop()`; `onEvent` sees every cycle */
  run(onEvent: (event: PipelineEvent<Report>) => void): Promise<void>
  /** cheap calls that reject when Kafka or the registry is unreachable (/readyz) */
  probes: Record<string, () => Promise<unknown>>
  /**
   * graceful: Personio reads end at once, the unit in flight finishes, nothing new starts;
   * what was not committed is read again by the next run
   */
  stop(): Promise<void>
  /** resources with a unit in their lane or a transaction in flight: what a stop waits for */
  busy(): string[]
  close(): Promise<void>
}

export function openEngine(options: EngineOptions): Promise<Engine> {
  const id = options.engine ?? DEFAULT_ENGINE
  // Everything the engine starts (the Personio client, restore, pipelines, the receiver) runs in
  // its scope, and so does every call the CLI makes into it from its own context.
  const within = <T>(fn: () => T): T => inEngine(id, fn)
  return within(async () => {
    const scheduler = options.scheduler ?? asyncScheduler
    // a virtual-time scheduler is driven from outside any engine: its work enters this one's scope
    const engine = await wire({
      ...options,
      scheduler: id === DEFAULT_ENGINE ? scheduler : engineScheduler(id, scheduler),
    })
    return {
      ...engine,
      syncOnce: () => within(() => engine.syncOnce()),
      snapshot: () => within(() => engine.snapshot()),
      run: (onEvent: (event: PipelineEvent<Report>) => void) => within(() => engine.run(onEvent)),
      stop: () => within(() => engine.stop()),
      close: () => within(() => engine.close()),
    }
  })
}

async function wire(options: EngineOptions & { scheduler: SchedulerLike }): Promise<Engine> {
  const { config, logger } = options
  const checked = checkEngineOptions(options)
  const stopping = new AbortController()
  const ports = openPorts(options, checked, stopping.signal)
  const { ctx, transactions } = wireContext(
    config,
    logger,
    options.clock,
    ports,
    checked.settings,
    stopping.signal,
  )
  const w: Wiring = {
    config,
    logger,
    ctx,
    chosen: checked.chosen,
    kafka: ports.kafka,
    ownsKafka: ports.ownsKafka,
    messageLimits: ports.messageLimits,
    feeds: trackFeeds(ports.kafka.feeds),
    transactions,
    stopping,
    scheduler: options.scheduler,
    retry: options.retry,
    webhookIngress: options.webhookIngress ?? 'own',
  }
  // the engine's own stop signal ends its Personio waits and requests too: an abandoned start
  // stops them as a stop would
  const abandon = () => stopping.abort(options.signal?.reason)
  if (options.signal?.aborted === true) abandon()
  options.signal?.addEventListener('abort', abandon, { once: true })
  try {
    await startUp(w, ports, options.preflightPatienceMs ?? 0)
  } finally {
    options.signal?.removeEventListener('abort', abandon)
  }
  const running = service(w)
  return {
    ctx,
    selected: checked.chosen,
    probes: {
      kafka: () => w.kafka.admin.ping(),
      registry: () => ctx.registry.latest(probeSubject(ctx.prefix)),
    },
    syncOnce: () => oneShot(w, false),
    snapshot: () => oneShot(w, true),
    run: (onEvent) => running.run(onEvent),
    stop: () => running.stop(),
    busy: () => running.busy(),
    close: () => running.close(),
  }
}
