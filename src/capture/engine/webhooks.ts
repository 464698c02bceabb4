// `run` with webhooks configured: the receiver first (deliveries land in the inbox from then on),
// then which resources our subscription covers: those are read from the inbox, gap-filled from the
// events endpoint, and listed in full only every WEBHOOK_RECONCILE_INTERVAL_MS; the others keep
// polling. The receiver and the inbox writer are the engine's to close (`Held`). An engine of a
// worker (webhookIngress 'shared', issue #28) opens no receiver: the worker's one ingress writes
// every company's deliveries into its inbox, and the engine does all the rest as here.
import { batchBudget } from '../../kafka/record-size'
import { publish } from '../../ops/channels'
import { humanDuration } from '../../ops/duration'
import { inboxGroupFor, inboxRecord, inboxTopicFor } from '../../webhooks/inbox'
import { listenForWebhooks } from '../../webhooks/listen'
import type { Receiver } from '../../webhooks/receiver'
import type { DurableWriter } from '../ports'
import { subscriptionWatch, webhookCoverage, webhookPipeline } from '../sources/webhook/webhook-source'
import type { InboxWrite } from '../sources/webhook/gap-fill'
import { createGapFill } from '../sources/webhook/gap-fill'
import type { PipelineSlot } from './coordinator'
import type { Report } from './report'
import type { Wiring } from './wiring'

/** What the webhooks opened, closed with the engine even when their start failed half way. */
export interface Held {
  receiver?: Receiver
  writer?: DurableWriter
}

type Webhooks = Wiring['config']['webhooks'] & { token: string; publicUrl: string }

function listen(w: Wiring, hooks: Webhooks, write: InboxWrite): Promise<Receiver> {
  return listenForWebhooks(
    hooks,
    {
      path: hooks.path ?? (new URL(hooks.publicUrl).pathname || '/'),
      token: hooks.token,
      inbox: { write: (event, body) => write([{ event, body }], 'delivery') },
    },
    (status, why) => w.logger.warn({ status }, `webhook delivery refused (${status}): ${why}`),
  )
}

/** The writer the receiver and the gap fill share: durable before the receiver answers 202. */
function inboxWrite(w: Wiring, held: Held): InboxWrite {
  const writer = (held.writer = w.kafka.durableWriter({
    batchBudget: (topic) => batchBudget(w.messageLimits.limit(topic)),
  }))
  const topic = inboxTopicFor(w.ctx.prefix)
  return (events, source) =>
    writer.write(events.map((e) => inboxRecord(topic, e.event, e.body, source, Date.now())))
}

/** The slots of the covered resources, or none: every resource keeps polling. */
export async function startWebhooks(w: Wiring, held: Held): Promise<PipelineSlot<Report>[]> {
  const hooks = w.config.webhooks as Webhooks
  const write = inboxWrite(w, held)
  if ((w.webhookIngress ?? 'own') === 'own') {
    const receiver = (held.receiver = await listen(w, hooks, write))
    w.logger.info({ url: receiver.url }, `webhook receiver listening on ${receiver.url}`)
  }
  const coverage = await webhookCoverage(w.ctx, hooks.publicUrl, w.chosen)
  if ('why' in coverage) {
    w.logger.warn(`webhooks: ${coverage.why}; every resource keeps polling`)
    return []
  }
  for (const r of coverage.covered) {
    w.ctx.webhooks.set(r.name, true, hooks.reconcileIntervalMs)
    publish('personio-kafka:webhooks:following', { resource: r.name, following: true })
  }
  w.logger.info(
    { resources: coverage.covered.map((r) => r.name), subscription: coverage.subscription.id },
    `webhooks: ${coverage.covered.map((r) => r.name).join(', ')} follow Personio's events; listed in full every ${humanDuration(hooks.reconcileIntervalMs)}`,
  )
  const subscription = subscriptionWatch(
    w.ctx,
    coverage.subscription.id,
    hooks.gapFillIntervalMs / 2,
    hooks.publicUrl,
  )
  // one fill for every covered resource: one read of the events endpoint and of the attribute list per tick
  const gapFill = createGapFill(w.ctx, w.scheduler, {
    subscriptionId: coverage.subscription.id,
    subscription,
    write,
    gapFillMs: hooks.gapFillIntervalMs,
    reconcileMs: hooks.reconcileIntervalMs,
  })
  return coverage.covered.map((resource) => ({
    resource,
    intervalMs: hooks.gapFillIntervalMs,
    cycle: () =>
      webhookPipeline(w.ctx, resource, w.scheduler, {
        feed: (inbox) =>
          w.feeds.open({
            groupId: inboxGroupFor(w.config.kafka.clientId, w.ctx.prefix, resource.name),
            topics: [inbox],
            untilCaughtUp: false,
          }),
        gapFill,
        burstMargin: hooks.burstMargin,
      }),
  }))
}
