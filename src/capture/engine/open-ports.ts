// The world the engine runs in, opened from the configuration unless given: the Personio client
// (paced, with the stop signal), the schema registry, Kafka, and from Kafka the resources'
// writers and the state store. Nothing here connects: the start-up does (start-up.ts).
import { setMaxListeners } from 'node:events'
import type { Config } from '../../config'
import { createSchemaRegistry, type SchemaRegistryClient } from '../../contract/registry'
import { effectiveKeyFormat } from '../../contract/key-format'
import { ConfigError } from '../../errors'
import { openCaptureKafka } from '../../kafka'
import { batchBudget, DEFAULT_MAX_MESSAGE_BYTES } from '../../kafka/record-size'
import type { Logger } from '../../ops/logger'
import { DEFAULT_ENGINE } from '../../ops/engine-scope'
import { createHttp } from '../../personio/client'
import { rateSettings } from '../../personio/rate-settings'
import type { SharedBudget } from '../../personio/shared-budget'
import { resources, resourceNames, type ResourceName } from '../../resources'
import { stateTopicFor } from '../context'
import type { CaptureKafka, EventSink, PersonioClient, StateStore } from '../ports'
import { resolveSettings } from '../settings'
import type { MessageLimits } from './wiring'

interface PersonioAccount {
  baseUrl: string
  clientId: string
  clientSecret: string
}

function credentials(options: { config: Config; personio?: PersonioAccount }): PersonioAccount {
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
 * What openEngine refuses before it touches anything (a ConfigError): `run` asks first, so a bad
 * configuration is its one line, before the ops endpoint or anything else says a word.
 */
export function checkEngineOptions(options: {
  config: Config
  only?: readonly ResourceName[]
  personio?: PersonioAccount
}) {
  const settings = resolveSettings(options.config.capture)
  const personio = credentials(options)
  const chosen = (options.only ?? resourceNames.filter((n) => settings[n].enabled)).map((n) => resources[n])
  for (const r of chosen) effectiveKeyFormat(r, options.config.topics.keyFormat)
  const rates = rateSettings(options.config.personio)
  return { settings, personio, chosen, rates }
}

export interface EnginePorts {
  http: PersonioClient & ReturnType<typeof createHttp>
  registry: SchemaRegistryClient
  kafka: CaptureKafka
  ownsKafka: boolean
  events: EventSink
  stateStore: StateStore
  messageLimits: MessageLimits
}

/**
 * Each topic's max.message.bytes, learned once the topics exist: a record above it is
 * dead-lettered, and a transaction is sent in pieces below it (src/kafka/record-size.ts).
 */
function messageLimitsOf(): MessageLimits {
  let known: Record<string, number> = {}
  return {
    limit: (topic) => known[topic] ?? DEFAULT_MAX_MESSAGE_BYTES,
    learn: (limits) => void (known = limits),
  }
}

export function openPorts(
  options: {
    config: Config
    logger: Logger
    kafka?: CaptureKafka
    registry?: SchemaRegistryClient
    /** the engine's name: its share of the v1 budget is counted under it */
    engine?: string
    /** Personio's v1 budget, shared with the process's other engines (one per company) */
    personioBudget?: SharedBudget
  },
  checked: Pick<ReturnType<typeof checkEngineOptions>, 'personio' | 'rates'>,
  stopping: AbortSignal,
): EnginePorts {
  const { config, logger } = options
  const prefix = config.topics.prefix
  // every request in flight and every paced wait listens for the stop: many at once is normal
  setMaxListeners(0, stopping)
  const http = createHttp({
    baseUrl: checked.personio.baseUrl,
    credentials: { clientId: checked.personio.clientId, clientSecret: checked.personio.clientSecret },
    appId: config.personio.appId,
    partnerId: config.personio.partnerId,
    timeoutMs: config.personio.timeoutMs,
    ...checked.rates,
    logger: logger.child({ component: 'personio' }),
    signal: stopping,
    ...(options.personioBudget === undefined
      ? {}
      : { sharedV1Budget: { budget: options.personioBudget, tenant: options.engine ?? DEFAULT_ENGINE } }),
  })
  const kafka = options.kafka ?? openCaptureKafka(config.kafka, logger)
  const messageLimits = messageLimitsOf()
  return {
    http,
    registry:
      options.registry ??
      createSchemaRegistry({
        url: config.registry.url,
        username: config.registry.username,
        password: config.registry.password,
      }),
    kafka,
    ownsKafka: options.kafka === undefined,
    events: kafka.events({ prefix, batchBudget: (topic) => batchBudget(messageLimits.limit(topic)) }),
    stateStore: kafka.state({
      stateTopic: stateTopicFor(prefix),
      groupPrefix: `${config.kafka.clientId}.${prefix}`,
    }),
    messageLimits,
  }
}
