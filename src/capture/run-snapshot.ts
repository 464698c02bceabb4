// The composition root of a snapshot run: config → Personio client (or the bundled simulator when
// no credentials are set) → topics → registry → transactional sink → snapshot of every resource.
import { lastValueFrom, tap, toArray } from 'rxjs'
import type { Config } from '../config'
import { usesSimulator } from '../config'
import { dlqTopic, topicFor } from '../contract/naming'
import { effectiveKeyFormat } from '../contract/key-format'
import { createSchemaRegistry } from '../contract/registry'
import { createKafka } from '../kafka/kafkajs/client'
import { createTopicAdmin } from '../kafka/kafkajs/topic-admin'
import { createTransactionalSink } from '../kafka/kafkajs/transactional-sink'
import { deadLetterTopicSpec, entityTopicSpec } from '../kafka/topic-policy'
import type { Logger } from '../ops/logger'
import { createPersonioClient } from '../personio'
import { resources, type Resource, type ResourceName } from '../resources'
import { defaultCredential, startSimulator, type RunningSimulator } from '../simulator'
import { snapshot, type SnapshotProgress } from './snapshot'

export interface SnapshotRunOptions {
  only?: readonly ResourceName[]
  /** employees of the bundled simulator (demo mode) */
  simulatorEmployees?: number
}

export interface SnapshotRunResult {
  source: string
  results: SnapshotProgress[]
}

export async function runSnapshot(
  config: Config,
  logger: Logger,
  options: SnapshotRunOptions = {},
): Promise<SnapshotRunResult> {
  const selected: Resource[] = (options.only ?? (Object.keys(resources) as ResourceName[])).map(
    (n) => resources[n],
  )
  // Configuration mistakes surface before anything is started or created.
  for (const r of selected) effectiveKeyFormat(r, config.topics.keyFormat)
  let sim: RunningSimulator | undefined
  if (usesSimulator(config)) {
    sim = await startSimulator({ employees: options.simulatorEmployees ?? 50, realClock: true })
    logger.info({ url: sim.url }, 'no PERSONIO_CLIENT_ID set: reading from the bundled Personio simulator')
  }
  const baseUrl = sim?.url ?? config.personio.baseUrl
  const credentials =
    sim === undefined
      ? { clientId: config.personio.clientId as string, clientSecret: config.personio.clientSecret as string }
      : { clientId: defaultCredential.clientId, clientSecret: defaultCredential.clientSecret }
  const client = createPersonioClient({
    baseUrl,
    credentials,
    appId: config.personio.appId,
    partnerId: config.personio.partnerId,
    timeoutMs: config.personio.timeoutMs,
    logger: logger.child({ component: 'personio' }),
  })
  const kafka = createKafka({ ...config.kafka, logger })
  const admin = createTopicAdmin(kafka)
  const sink = createTransactionalSink(kafka, {
    transactionalId: `${config.kafka.clientId}.${config.topics.prefix}.snapshot`,
  })
  try {
    const defaults = config.topics
    await admin.ensureTopics([
      ...selected.map((r) => entityTopicSpec(topicFor(defaults.prefix, r.name), defaults)),
      deadLetterTopicSpec(dlqTopic(defaults.prefix), defaults),
    ])
    const registry = createSchemaRegistry({
      url: config.registry.url,
      username: config.registry.username,
      password: config.registry.password,
    })
    const progress$ = snapshot(
      {
        client,
        registry,
        sink,
        prefix: defaults.prefix,
        keyFormat: defaults.keyFormat,
        now: Date.now,
        logger,
      },
      selected,
    ).pipe(tap((p) => logger.debug(p, 'snapshot progress')))
    const all = await lastValueFrom(progress$.pipe(toArray()), { defaultValue: [] })
    const last = new Map<string, SnapshotProgress>()
    for (const p of all) last.set(p.resource, p)
    const results = selected.map(
      (r) =>
        last.get(r.name) ?? {
          resource: r.name,
          topic: topicFor(defaults.prefix, r.name),
          pages: 0,
          published: 0,
          deadLettered: 0,
        },
    )
    return { source: sim === undefined ? baseUrl : `bundled simulator (${sim.url})`, results }
  } finally {
    await Promise.allSettled([sink.close(), admin.close()])
    await sim?.close()
  }
}
