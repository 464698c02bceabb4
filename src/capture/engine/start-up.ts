// Before the first cycle: Personio, the registry and the brokers answer (preflight), the topics
// exist as the contract wants them, older instances are fenced, and the state is restored from
// what they committed. A failure here closes what the engine opened and is thrown to the caller.
import type { Config } from '../../config'
import { topicFor } from '../../contract/naming'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../kafka/record-size'
import {
  deadLetterTopicSpec,
  entityTopicSpec,
  stateTopicSpec,
  webhookInboxTopicSpec,
} from '../../kafka/topic-policy'
import type { TopicSpec } from '../../kafka/port'
import { publish } from '../../ops/channels'
import { crashPoint } from '../../ops/crash-points'
import type { Resource, ResourceName } from '../../resources'
import { inboxTopicFor } from '../../webhooks/inbox'
import { stateTopicFor, transactionalIdFor } from '../context'
import { stageInputs } from '../sources/stage/stage-work'
import type { EnginePorts } from './open-ports'
import { preflight } from './preflight'
import type { Wiring } from './wiring'

/** Whether the service receives Personio's webhooks (`run` only). */
export const webhooksConfigured = (config: Config): boolean =>
  config.webhooks.token !== undefined && config.webhooks.publicUrl !== undefined

/** The chosen resources' topics and the stages' inputs, the state, the dead letters, the inbox. */
function topicSpecs({ config, chosen, ctx }: Wiring): TopicSpec[] {
  const prefix = config.topics.prefix
  const topics = new Set<ResourceName>(
    chosen.flatMap((r) => [r.name, ...(r.stage === undefined ? [] : stageInputs(r))]),
  )
  return [
    ...[...topics].map((n) => entityTopicSpec(topicFor(prefix, n), config.topics)),
    stateTopicSpec(ctx.stateTopic, config.topics),
    deadLetterTopicSpec(ctx.dlqTopic, config.topics),
    ...(webhooksConfigured(config) ? [webhookInboxTopicSpec(inboxTopicFor(prefix), config.topics)] : []),
  ]
}

async function ensureTopics(w: Wiring): Promise<void> {
  const specs = topicSpecs(w)
  await w.kafka.admin.ensureTopics(specs)
  const limits = await w.kafka.admin.maxMessageBytes(specs.map((s) => s.topic)).catch((error: unknown) => {
    w.logger.warn(
      { error: (error as Error).message },
      `Cannot read the topics' max.message.bytes; assuming the broker default (${DEFAULT_MAX_MESSAGE_BYTES} bytes)`,
    )
    return {}
  })
  w.messageLimits.learn(limits)
}

/**
 * Releases before this one named transactional ids `<KAFKA_CLIENT_ID>.<prefix>.<resource>`. With a
 * client id other than the default, those ids differ from today's: initialising them once fences
 * an instance of such a release still running, and aborts a transaction a killed one left open
 * (it would hold back read_committed readers until its timeout).
 */
async function fenceLegacyIds(w: Wiring): Promise<void> {
  const prefix = w.config.topics.prefix
  const legacy = w.chosen.map((r) => `${w.config.kafka.clientId}.${prefix}.${r.name}`)
  if (legacy.every((id, i) => id === transactionalIdFor(prefix, (w.chosen[i] as Resource).name))) return
  await w.kafka.fence(legacy, stateTopicFor(prefix))
}

export async function startUp(w: Wiring, ports: EnginePorts, patienceMs: number): Promise<void> {
  const { ctx } = w
  try {
    await preflight(
      {
        http: ctx.http,
        registry: ctx.registry,
        pingKafka: () => w.kafka.admin.ping(),
        brokers: w.config.kafka.brokers,
        prefix: ctx.prefix,
        logger: w.logger,
        patienceMs,
        signal: w.stopping.signal,
      },
      w.chosen,
    )
    // an abandoned start goes no further than the step it was in (each is bounded by its retries)
    w.stopping.signal.throwIfAborted()
    await ensureTopics(w)
    w.stopping.signal.throwIfAborted()
    // Fence older instances first: their open transactions are aborted before the state is read,
    // so the restore sees everything committed and nothing that will not be.
    await Promise.all(w.chosen.map((r) => ctx.events.open(r.name)))
    await fenceLegacyIds(w)
    crashPoint('after-fence')
    w.stopping.signal.throwIfAborted()
    await ctx.stateStore.restore(ctx.state, ctx.limits)
    // before the first request a learned pace governs (preflight only authenticated, and the
    // auth endpoints keep their documented figures)
    ports.http.rateLimits.restore(ctx.limits.restored())
    publish('personio-kafka:state:restored', { resources: w.chosen.map((r) => r.name) })
    crashPoint('after-restore')
  } catch (error) {
    await ctx.events.close().catch(() => undefined)
    if (w.ownsKafka) await w.kafka.close()
    throw error
  }
}
