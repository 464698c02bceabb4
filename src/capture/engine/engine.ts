// The composition root of capture: configuration → Personio client, registry, one transactional
// producer per resource (fencing any older instance), topics, the state restored from the state
// topic — then `syncOnce`, `run` or `snapshot` over the coordinator. Personio credentials are
// required: a product run never falls back to the simulator on its own.
import { setMaxListeners } from 'node:events'
import { asyncScheduler, EMPTY, lastValueFrom, toArray, type SchedulerLike, type Subscription } from 'rxjs'
import type { Config } from '../../config'
import { fieldPolicyFromConfig } from '../../contract/field-policy'
import { effectiveKeyFormat } from '../../contract/key-format'
import { dlqTopic, topicFor } from '../../contract/naming'
import { createSchemaRegistry } from '../../contract/registry'
import { createSerde } from '../../contract/serde'
import { ConfigError } from '../../errors'
import { createKafka } from '../../kafka/kafkajs/client'
import { createFeed } from '../../kafka/kafkajs/feed'
import { createTopicAdmin } from '../../kafka/kafkajs/topic-admin'
import { createTransactionalSink } from '../../kafka/kafkajs/transactional-sink'
import type { Feed, TransactionalSink } from '../../kafka/port'
import { batchBudget, DEFAULT_MAX_MESSAGE_BYTES } from '../../kafka/record-size'
import { createDurableWriter, type DurableWriter } from '../../kafka/kafkajs/durable-writer'
import {
  deadLetterTopicSpec,
  entityTopicSpec,
  stateTopicSpec,
  webhookInboxTopicSpec,
} from '../../kafka/topic-policy'
import { publish } from '../../ops/channels'
import { crashPoint } from '../../ops/crash-points'
import { humanDuration } from '../../ops/duration'
import type { Logger } from '../../ops/logger'
import { createHttp } from '../../personio/client'
import { rateSettings } from '../../personio/rate-settings'
import { resources, resourceNames, type Resource, type ResourceName } from '../../resources'
import { coordinate, once, type PipelineEvent, type PipelineSlot } from './coordinator'
import { createSerial, stateTopicFor, transactionalIdFor, type CaptureContext, type Clock } from '../context'
import { createLimitsLedger } from '../state/learned-limits'
import { createCaptureMemory } from '../state/memory'
import { captureCycle, settingsNow, type CycleReport } from '../sources/poll/cycle'
import { createLanes } from './lanes'
import { createWebhookFollow } from '../state/webhook-follow'
import { planCycle } from '../sources/poll/plan'
import { recordLastError } from './last-error'
import { preflight, probeSubject } from './preflight'
import { defaultCycleRetry, type CycleRetryPolicy } from './retry-backoff'
import { resolveSettings } from './settings'
import { newCaptureState, restoreState, restoreStateAfter } from '../state/restore'
import { stageInputs } from '../sources/stage/stage-work'
import { inboxGroupFor, inboxRecord, inboxTopicFor } from '../../webhooks/inbox'
import { startReceiver, type Receiver } from '../../webhooks/receiver'
import {
  subscriptionWatch,
  webhookCoverage,
  webhookPipeline,
  type InboxWrite,
} from '../sources/webhook/webhook-source'
import {
  stagePipeline,
  stageRefreshOnce,
  stageSyncOnce,
  type FeedFactory,
} from '../sources/stage/stage-source'
import type { StageReport } from '../sources/report'

export interface EngineOptions {
  config: Config
  logger: Logger
  /** narrows the configured resources (`--resources`) */
  only?: readonly ResourceName[]
  /** Personio to read instead of the configured one: only `demo` and explicit simulator runs pass it */
  personio?: { baseUrl: string; clientId: string; clientSecret: string }
  scheduler?: SchedulerLike
  clock?: Clock
  retry?: CycleRetryPolicy
  /** the service waits out a Personio, registry or Kafka outage at start this long; one-shots: 0 */
  preflightPatienceMs?: number
}

export type Report = CycleReport | StageReport

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
   * graceful: Personio reads end at once, the transaction in flight finishes, nothing new starts;
   * what was not committed is read again by the next run
   */
  stop(): Promise<void>
  /** resources with a transaction or a stage batch still in flight: what a stop waits for */
  busy(): string[]
  close(): Promise<void>
}

function credentials(options: Pick<EngineOptions, 'config' | 'personio'>): {
  baseUrl: string
  clientId: string
  clientSecret: string
} {
  if (options.personio !== undefined) return options.personio
  const { baseUrl, clientId, clientSecret } = options.config.personio
  if (clientId === undefined || clientSecret === undefined) {
    throw new ConfigError([
      'PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET must both be set (or their *_FILE variants): ' +
        'run, sync and snapshot read the real Personio and never fall back to simulated data. ' +
        'To try the product without an account, run `personio-kafka demo`.',
    ])
  }
  return { baseUrl, clientId, clientSecret }
}

/**
 * Releases before this one named transactional ids `<KAFKA_CLIENT_ID>.<prefix>.<resource>`. With a
 * client id other than the default, those ids differ from today's: initialising them once fences
 * an instance of such a release still running, and aborts a transaction a killed one left open
 * (it would hold back read_committed readers until its timeout).
 */
async function fenceLegacyIds(
  kafka: Parameters<typeof createTransactionalSink>[0],
  clientId: string,
  prefix: string,
  chosen: readonly Resource[],
  logger: Logger,
): Promise<void> {
  const legacy = chosen.map((r) => `${clientId}.${prefix}.${r.name}`)
  if (legacy.every((id, i) => id === transactionalIdFor(prefix, (chosen[i] as Resource).name))) return
  await Promise.all(
    legacy.map(async (transactionalId) => {
      const sink = createTransactionalSink(kafka, { transactionalId })
      try {
        await sink.open()
      } catch (error) {
        // best effort: a principal that may not use the old id never ran an instance with it
        logger.debug({ transactionalId, error: (error as Error).message }, 'old transactional id not fenced')
      } finally {
        await sink.close().catch(() => undefined)
      }
    }),
  )
}

/**
 * What openEngine refuses before it touches anything (a ConfigError): `run` asks first, so a bad
 * configuration is its one line, before the ops endpoint or anything else says a word.
 */
export function checkEngineOptions(options: Pick<EngineOptions, 'config' | 'only' | 'personio'>) {
  const settings = resolveSettings(options.config.capture)
  const personio = credentials(options)
  const chosen = (options.only ?? resourceNames.filter((n) => settings[n].enabled)).map((n) => resources[n])
  for (const r of chosen) effectiveKeyFormat(r, options.config.topics.keyFormat)
  const rates = rateSettings(options.config.personio)
  return { settings, personio, chosen, rates }
}

export async function openEngine(options: EngineOptions): Promise<Engine> {
  const { config, logger } = options
  const { settings, personio, chosen, rates } = checkEngineOptions(options)
  const prefix = config.topics.prefix
  const stateTopic = stateTopicFor(prefix)
  const stopping = new AbortController()
  // every request in flight and every paced wait listens for the stop: many at once is normal
  setMaxListeners(0, stopping.signal)
  const http = createHttp({
    baseUrl: personio.baseUrl,
    credentials: { clientId: personio.clientId, clientSecret: personio.clientSecret },
    appId: config.personio.appId,
    partnerId: config.personio.partnerId,
    timeoutMs: config.personio.timeoutMs,
    ...rates,
    logger: logger.child({ component: 'personio' }),
    signal: stopping.signal,
  })
  const limits = createLimitsLedger(http.rateLimits)
  const kafka = createKafka({ ...config.kafka, logger })
  const admin = createTopicAdmin(kafka, { warn: (message) => logger.warn(message) })
  // Each topic's max.message.bytes, learned once the topics exist: a record above it is
  // dead-lettered, and a transaction is sent in pieces below it (src/kafka/record-size.ts).
  let messageLimits: Record<string, number> = {}
  const messageLimit = (topic: string) => messageLimits[topic] ?? DEFAULT_MAX_MESSAGE_BYTES
  const sinks = new Map<ResourceName, TransactionalSink>()
  const sinkFor = (name: ResourceName) => {
    let sink = sinks.get(name)
    if (sink === undefined) {
      sink = createTransactionalSink(kafka, {
        transactionalId: transactionalIdFor(prefix, name),
        batchBudget: (topic) => batchBudget(messageLimit(topic)),
      })
      sinks.set(name, sink)
    }
    return sink
  }
  const registry = createSchemaRegistry({
    url: config.registry.url,
    username: config.registry.username,
    password: config.registry.password,
  })
  const serial = createSerial()
  const lanes = createLanes()
  const state = newCaptureState()
  const ctx: CaptureContext = {
    http,
    registry,
    serde: createSerde({ registry, keyFormat: config.topics.keyFormat, prefix }),
    events: {
      publish: (resource, records, consumed) => sinkFor(resource as ResourceName).publish(records, consumed),
      open: (resource) => sinkFor(resource as ResourceName).open(),
      close: async () => void (await Promise.allSettled([...sinks.values()].map((s) => s.close()))),
    },
    state,
    prefix,
    stateTopic,
    dlqTopic: dlqTopic(prefix),
    keyFormat: config.topics.keyFormat,
    deleteMode: config.topics.deleteMode,
    settings,
    maxTransactionRecords: config.capture.maxTransactionRecords,
    messageLimit,
    fieldPolicy: fieldPolicyFromConfig(config.fields),
    clock: options.clock ?? { now: Date.now },
    logger,
    deleteGuardShare: config.capture.deleteGuardPercent / 100,
    stateStore: {
      restore: (into, limits) =>
        restoreState(kafka, stateTopic, `${config.kafka.clientId}.${prefix}`, into, limits),
      readAfter: (after) => restoreStateAfter(kafka, stateTopic, `${config.kafka.clientId}.${prefix}`, after),
    },
    webhooks: createWebhookFollow(),
    lanes,
    memory: createCaptureMemory(),
    limits,
    serial: (resource, work) => serial.serial(resource, work),
    stopping: stopping.signal,
  }
  const feeds: Feed[] = []
  const feedFactory: FeedFactory = (resource, topics, untilCaughtUp) => {
    const feed = createFeed(kafka, {
      groupId: `${config.kafka.clientId}.${prefix}.${resource}`,
      topics,
      untilCaughtUp,
    })
    feeds.push(feed)
    return feed
  }
  let running: Subscription | undefined
  let stopRun: () => void = () => undefined
  // Webhooks (run only): the receiver, and the writer it and the gap fill share.
  const webhooksConfigured = config.webhooks.token !== undefined && config.webhooks.publicUrl !== undefined
  let receiver: Receiver | undefined
  let inboxWriter: DurableWriter | undefined

  try {
    await preflight(
      {
        http,
        registry,
        pingKafka: () => admin.ping(),
        brokers: config.kafka.brokers,
        prefix,
        logger,
        patienceMs: options.preflightPatienceMs ?? 0,
      },
      chosen,
    )
    const topics = new Set<ResourceName>(
      chosen.flatMap((r) => [r.name, ...(r.stage === undefined ? [] : stageInputs(r))]),
    )
    const specs = [
      ...[...topics].map((n) => entityTopicSpec(topicFor(prefix, n), config.topics)),
      stateTopicSpec(stateTopic, config.topics),
      deadLetterTopicSpec(dlqTopic(prefix), config.topics),
      ...(webhooksConfigured ? [webhookInboxTopicSpec(inboxTopicFor(prefix), config.topics)] : []),
    ]
    await admin.ensureTopics(specs)
    messageLimits = await admin.maxMessageBytes(specs.map((s) => s.topic)).catch((error: unknown) => {
      logger.warn(
        { error: (error as Error).message },
        `Cannot read the topics' max.message.bytes; assuming the broker default (${DEFAULT_MAX_MESSAGE_BYTES} bytes)`,
      )
      return {}
    })
    // Fence older instances first: their open transactions are aborted before the state is read,
    // so the restore sees everything committed and nothing that will not be.
    await Promise.all(chosen.map((r) => sinkFor(r.name).open()))
    await fenceLegacyIds(kafka, config.kafka.clientId, prefix, chosen, logger)
    crashPoint('after-fence')
    await restoreState(kafka, stateTopic, `${config.kafka.clientId}.${prefix}`, state, limits)
    // before the first request a learned pace governs (preflight only authenticated, and the
    // auth endpoints keep their documented figures)
    http.rateLimits.restore(limits.restored())
    publish('personio-kafka:state:restored', { resources: chosen.map((r) => r.name) })
    crashPoint('after-restore')
  } catch (error) {
    await Promise.allSettled([...sinks.values()].map((s) => s.close()))
    await admin.close()
    throw error
  }

  const scheduler = options.scheduler ?? asyncScheduler
  const coordinatorOptions = {
    scheduler,
    retry: options.retry ?? defaultCycleRetry,
    onRetry: (resource: ResourceName, error: unknown, n: number, waitMs: number) =>
      logger.warn({ resource, retry: n, waitMs }, `cycle failed, retrying: ${(error as Error).message}`),
  }
  // One-shot commands retry a failed cycle once, briefly: the Personio client and the sink already
  // retried inside it, and a person (or cron) is waiting for the answer.
  const onceOptions = {
    ...coordinatorOptions,
    retry: options.retry ?? { retries: 1, initialMs: 1_000, maxMs: 1_000, factor: 1 },
  }
  const topLevel = chosen.filter((r) => r.stage === undefined)
  const stages = chosen.filter((r) => r.stage !== undefined)
  const slots = (force: boolean): PipelineSlot<Report>[] =>
    topLevel.map((resource) => ({
      resource,
      intervalMs: settings[resource.name].pollMs,
      // Followed by webhooks, a tick that is not due for a full listing reads nothing: it is
      // skipped before the cycle prepares (no request, no event). The resource is polled again as
      // soon as the gap fill finds the subscription gone (webhook-runner.ts).
      cycle: () =>
        !force &&
        ctx.webhooks.following(resource.name) &&
        planCycle(
          resource,
          state.cursor(resource.name),
          ctx.clock.now(),
          settingsNow(ctx, resource.name),
          false,
        ).kind === 'incremental'
          ? EMPTY
          : captureCycle(ctx, resource, force),
    }))

  /** The failure in the resource's cursor, for `status`; never fails the run itself. */
  async function noteError(resource: ResourceName, error: unknown): Promise<void> {
    await recordLastError(ctx, resource, error).catch((failure: unknown) =>
      logger.debug(
        { resource, error: (failure as Error).message },
        'last error not written to the state topic',
      ),
    )
  }
  async function withErrorsNoted(events: PipelineEvent<Report>[]): Promise<PipelineEvent<Report>[]> {
    for (const e of events) if (e.kind !== 'cycle') await noteError(e.resource, e.error)
    return events
  }

  async function stagesOnce(fullRefresh: boolean): Promise<PipelineEvent<Report>[]> {
    const out: PipelineEvent<Report>[] = []
    for (const [i, resource] of stages.entries()) {
      if (i > 0) crashPoint('between-stages')
      try {
        const report = fullRefresh
          ? await stageRefreshOnce(ctx, resource)
          : await stageSyncOnce(ctx, resource, feedFactory)
        out.push({ kind: 'cycle', resource: resource.name, report })
      } catch (error) {
        out.push({ kind: 'stopped', resource: resource.name, error })
      }
    }
    return out
  }

  /**
   * The receiver (deliveries land in the inbox from now on), then which resources our subscription
   * covers: those are read from the inbox, gap-filled from the events endpoint, and listed in full
   * only every WEBHOOK_RECONCILE_INTERVAL_MS; the others keep polling.
   */
  async function startWebhooks(): Promise<PipelineSlot<Report>[]> {
    const { token, publicUrl } = config.webhooks as { token: string; publicUrl: string }
    const writer = (inboxWriter = createDurableWriter(kafka, {
      batchBudget: (topic) => batchBudget(messageLimit(topic)),
    }))
    const topic = inboxTopicFor(prefix)
    const write: InboxWrite = (events, source) =>
      writer.write(events.map((e) => inboxRecord(topic, e.event, e.body, source, Date.now())))
    const { tlsCertFile, tlsKeyFile } = config.webhooks
    try {
      receiver = await startReceiver({
        port: config.webhooks.port,
        host: config.webhooks.host,
        path: config.webhooks.path ?? (new URL(publicUrl).pathname || '/'),
        token,
        maxBodyBytes: config.webhooks.maxBodyBytes,
        // Personio waits 3 s for the answer
        writeTimeoutMs: 2_500,
        ...(tlsCertFile !== undefined && tlsKeyFile !== undefined
          ? { tls: { certFile: tlsCertFile, keyFile: tlsKeyFile } }
          : {}),
        inbox: { write: (event, body) => write([{ event, body }], 'delivery') },
        onRefused: (status, why) => logger.warn({ status }, `webhook delivery refused (${status}): ${why}`),
      })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error
      throw new ConfigError(
        [
          `WEBHOOK_PORT / WEBHOOK_HOST (webhooks): the receiver cannot listen on ${config.webhooks.host}:${config.webhooks.port} (${code}); choose another port`,
        ],
        { cause: error },
      )
    }
    logger.info({ url: receiver.url }, `webhook receiver listening on ${receiver.url}`)
    const coverage = await webhookCoverage(ctx, publicUrl, chosen)
    if ('why' in coverage) {
      logger.warn(`webhooks: ${coverage.why}; every resource keeps polling`)
      return []
    }
    const subscription = subscriptionWatch(
      ctx,
      coverage.subscription.id,
      config.webhooks.gapFillIntervalMs / 2,
      publicUrl,
    )
    for (const r of coverage.covered) {
      ctx.webhooks.set(r.name, true, config.webhooks.reconcileIntervalMs)
      publish('personio-kafka:webhooks:following', { resource: r.name, following: true })
    }
    logger.info(
      { resources: coverage.covered.map((r) => r.name), subscription: coverage.subscription.id },
      `webhooks: ${coverage.covered.map((r) => r.name).join(', ')} follow Personio's events; listed in full every ${humanDuration(config.webhooks.reconcileIntervalMs)}`,
    )
    return coverage.covered.map((resource) => ({
      resource,
      intervalMs: config.webhooks.gapFillIntervalMs,
      cycle: () =>
        webhookPipeline(ctx, resource, scheduler, {
          feed: (inbox) => {
            const feed = createFeed(kafka, {
              groupId: inboxGroupFor(config.kafka.clientId, prefix, resource.name),
              topics: [inbox],
              untilCaughtUp: false,
            })
            feeds.push(feed)
            return feed
          },
          subscriptionId: coverage.subscription.id,
          subscription,
          write,
          gapFillMs: config.webhooks.gapFillIntervalMs,
          burstMargin: config.webhooks.burstMargin,
          reconcile: {
            following: config.webhooks.reconcileIntervalMs,
            polling: settings[resource.name].reconcileMs,
          },
        }),
    }))
  }

  return {
    ctx,
    selected: chosen,
    probes: {
      kafka: () => admin.ping(),
      registry: () => registry.latest(probeSubject(prefix)),
    },
    async syncOnce() {
      const events = await lastValueFrom(once(slots(false), onceOptions).pipe(toArray()))
      return withErrorsNoted([...events, ...(await stagesOnce(false))])
    },
    async snapshot() {
      const events = await lastValueFrom(once(slots(true), onceOptions).pipe(toArray()))
      return withErrorsNoted([...events, ...(await stagesOnce(true))])
    },
    run(onEvent) {
      return new Promise<void>((resolve, reject) => {
        stopRun = resolve
        const start = async () => {
          // decided before the slots are built: a covered resource polls only to reconcile
          const followed = webhooksConfigured ? await startWebhooks() : []
          if (stopping.signal.aborted) return resolve()
          const all = [
            ...slots(false),
            ...stages.map((resource) => ({
              resource,
              intervalMs: settings[resource.name].refreshMs,
              cycle: () => stagePipeline(ctx, resource, scheduler, feedFactory),
            })),
            ...followed,
          ]
          running = coordinate<Report>(all, coordinatorOptions).subscribe({
            next: (event) => {
              if (event.kind !== 'cycle') void noteError(event.resource, event.error)
              onEvent(event)
            },
            error: reject,
            complete: resolve,
          })
        }
        start().catch(reject)
      })
    },
    async stop() {
      stopping.abort()
      running?.unsubscribe()
      // deliveries from now on are answered 5xx by nobody: Personio retries them, or the events
      // endpoint has them for the next run
      await receiver?.close().catch(() => undefined)
      await Promise.all(feeds.map((f) => f.stop()))
      await serial.drained()
      stopRun()
    },
    busy: () => serial.busy(),
    async close() {
      stopping.abort()
      running?.unsubscribe()
      await receiver?.close().catch(() => undefined)
      await serial.drained()
      await Promise.allSettled([...sinks.values()].map((s) => s.close()))
      await inboxWriter?.close().catch(() => undefined)
      await admin.close()
    },
  }
}
