// How `run` follows Personio's webhooks (issue #20): the resources a subscription covers are read
// from the inbox (each delivery, coalesced, read by id) and the events endpoint fills what a lost
// delivery left out; their polling shrinks to the reconciliation listing. Decided once at start:
// without an ENABLED subscription for our URL that enables a resource's events, it keeps polling.
import { exhaustMap, from, merge, Observable, timer, type SchedulerLike } from 'rxjs'
import type { Feed } from '../kafka/port'
import { sameUrl, webhookSubscriptions, type WebhookSubscription } from '../personio/webhooks'
import type { Resource } from '../resources'
import type { WebhookEvent } from '../webhooks/envelope'
import { inboxEvent, inboxTopicFor } from '../webhooks/inbox'
import { commitPart, emptyPart } from './commit'
import type { CaptureContext } from './context'
import { SKEW_MARGIN_MS } from './cycle'
import { prepareResource, type Prepared } from './prepare'
import { settleUncertain } from './settle-commit'
import { report, type StageReport } from './stage-runner'
import { applyInboxWork, inboxWorkOf } from './webhook-capture'
import { EVENTS_KEPT_MS, eventsSince, GAP_OVERLAP_MS } from './webhook-gaps'

/** Writes events into the inbox, durably (the receiver's path, and the gap fill's). */
export type InboxWrite = (
  events: readonly { event: WebhookEvent; body: Buffer }[],
  source: 'delivery' | 'events-endpoint',
) => Promise<void>

export interface WebhookCoverage {
  subscription: WebhookSubscription
  covered: Resource[]
}

/**
 * Which selected resources our subscription covers: ENABLED, for our URL, with every event the
 * resource declares. Anything short of that keeps the resource polling, and says why once.
 */
export async function webhookCoverage(
  ctx: CaptureContext,
  publicUrl: string,
  selected: readonly Resource[],
): Promise<WebhookCoverage | { why: string }> {
  const followable = selected.filter((r) => r.webhook !== undefined)
  if (followable.length === 0) return { why: 'no selected resource is announced by webhooks' }
  let all: WebhookSubscription[]
  try {
    all = await webhookSubscriptions(ctx.http).list()
  } catch (error) {
    return { why: `the subscriptions could not be read (${(error as Error).message})` }
  }
  const ours = all.find((w) => sameUrl(w.url, publicUrl))
  if (ours === undefined)
    return { why: `Personio has no subscription for ${publicUrl}; run \`personio-kafka webhooks register\`` }
  if (ours.status !== 'ENABLED')
    return {
      why: `the subscription for ${publicUrl} is ${ours.status}; run \`personio-kafka webhooks register\``,
    }
  const enabled = new Set(ours.enabled_events)
  const covered = followable.filter((r) => (r.webhookEvents ?? []).every((e) => enabled.has(e)))
  if (covered.length === 0)
    return {
      why: `the subscription for ${publicUrl} enables none of the events of ${followable.map((r) => r.name).join(', ')}`,
    }
  return { subscription: ours, covered }
}

async function saveWebhookAt(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  at: number,
  recheck = false,
) {
  await ctx.serial(resource.name, async () => {
    await settleUncertain(ctx, resource.name)
    const cursor = {
      ...ctx.state.cursor(resource.name),
      webhookAt: at,
      ...(recheck ? { recheck: true } : {}),
    }
    await commitPart(ctx, resource, prepared, { ...emptyPart(), cursor })
  })
}

/**
 * The events of this resource that occurred since the last fill, from the events endpoint into the
 * inbox; then the position moves to when this fill began (Personio's clock, less the skew margin).
 * The first fill of a resource only marks where webhooks took over: polling covered what came before.
 */
export async function fillGaps(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  subscriptionId: string,
  write: InboxWrite,
): Promise<number> {
  const began = (ctx.http.markPersonioTime()() ?? ctx.clock.now()) - SKEW_MARGIN_MS
  const cursor = ctx.state.cursor(resource.name)
  if (cursor.webhookAt === undefined) {
    await saveWebhookAt(ctx, resource, prepared, Math.min(cursor.changedAt ?? began, began))
    return 0
  }
  if (began - cursor.webhookAt > EVENTS_KEPT_MS) {
    ctx.logger.warn(
      { resource: resource.name, since: new Date(cursor.webhookAt).toISOString() },
      `${resource.name}: the last webhook position is older than the 30 days Personio keeps events; the next cycle lists everything`,
    )
    await saveWebhookAt(ctx, resource, prepared, began, true)
    return 0
  }
  const events = await eventsSince(
    ctx.http,
    subscriptionId,
    cursor.webhookAt - GAP_OVERLAP_MS,
    new Set(resource.webhookEvents ?? []),
  )
  if (events.length > 0) await write(events, 'events-endpoint')
  await saveWebhookAt(ctx, resource, prepared, Math.max(began, cursor.webhookAt))
  return events.length
}

/** How many handled events a resource remembers, so the gap fill's re-reads cost no request. */
const REMEMBERED_EVENTS = 20_000

/**
 * run: the inbox read for as long as it is subscribed, and the gap fill at start and on an
 * interval. Events already handled (a delivery, then the same event from the events endpoint)
 * are skipped while remembered; past that, fingerprints make them cost a read but no event.
 */
export function webhookPipeline(
  ctx: CaptureContext,
  resource: Resource,
  scheduler: SchedulerLike,
  options: {
    feed: (topic: string) => Feed
    subscriptionId: string
    write: InboxWrite
    gapFillMs: number
  },
): Observable<StageReport> {
  const handled = new Set<string>()
  const remember = (id: string) => {
    handled.add(id)
    if (handled.size > REMEMBERED_EVENTS) handled.delete(handled.values().next().value as string)
  }
  return from(prepareResource(ctx, resource)).pipe(
    exhaustMap((first) => {
      // re-prepared at each gap fill: a custom attribute the daily listing registered meanwhile
      // is mapped by the inbox too (one request to Personio's attribute list every interval)
      let prepared = first
      return merge(
        new Observable<StageReport>((subscriber) => {
          const feed = options.feed(inboxTopicFor(ctx.prefix))
          const out = report(resource, 'webhooks')
          feed
            .run(async (batch) => {
              const fresh = batch.records.filter((r) => {
                const e = inboxEvent(r)
                if (e === undefined) return false
                const id = `${e.name}|${e.id}|${e.occurredAt}`
                if (handled.has(id)) return false
                remember(id)
                return true
              })
              const done = await applyInboxWork(
                ctx,
                resource,
                prepared,
                inboxWorkOf(resource, fresh),
                batch.next,
              )
              out.parents += done.entities
              out.events += done.events
              if (done.events > 0) subscriber.next({ ...out })
            })
            .then(
              () => subscriber.complete(),
              (error: unknown) => subscriber.error(error),
            )
          return () => void feed.stop()
        }),
        timer(0, options.gapFillMs, scheduler).pipe(
          exhaustMap((tick) =>
            from(
              (async () => {
                if (tick > 0) prepared = await prepareResource(ctx, resource)
                const n = await fillGaps(ctx, resource, prepared, options.subscriptionId, options.write)
                return { ...report(resource, 'gap-fill'), parents: n }
              })(),
            ),
          ),
        ),
      )
    }),
  )
}
