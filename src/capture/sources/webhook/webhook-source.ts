// How `run` follows Personio's webhooks (issue #20): the resources a subscription covers are read
// from the inbox (deliveries coalesced and read by id; a burst held and read with one listing,
// inbox-hold.ts and webhook-burst.ts, issue #30) and the events endpoint fills what a lost
// delivery left out; their polling shrinks to the reconciliation listing. Decided at start: without
// an ENABLED subscription for our URL that enables a resource's events, it keeps polling. Each gap
// fill looks again: a subscription deleted or disabled meanwhile puts the resource back on polling
// (one warning, a metric) until the subscription is back.
import { EMPTY, exhaustMap, from, merge, Observable, timer, type SchedulerLike } from 'rxjs'
import { AuthError, FencedError, PersonioHttpError } from '../../../errors'
import type { Feed } from '../../../kafka/port'
import { publish } from '../../../ops/channels'
import { sameUrl, webhookSubscriptions, type WebhookSubscription } from '../../../personio/webhooks'
import type { Resource } from '../../../resources'
import type { WebhookEvent } from '../../../webhooks/envelope'
import { inboxEvent, inboxTopicFor } from '../../../webhooks/inbox'
import { commitPart, emptyPart } from '../../commit/commit'
import type { CaptureContext } from '../../context'
import { SKEW_MARGIN_MS } from '../../rules/personio-clock'
import { prepareResource, type Prepared } from '../../read/prepare'
import { settleUncertain } from '../../commit/settle-commit'
import { report, type StageReport } from '../report'
import { inboxCoverage } from './inbox-coverage'
import { inboxHold } from './inbox-hold'
import { DEFAULT_BURST_MARGIN, listsBurst } from './burst'
import { applyInboxWork, inboxWorkOf, isNotFound } from './inbox-apply'
import { EVENTS_KEPT_MS, eventPages, GAP_OVERLAP_MS } from './events-endpoint'

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
 * Our subscription as Personio has it now, undefined once it was deleted (404) and none for our
 * URL took its place. One read serves every resource's gap fill for `maxAgeMs`: their fills start
 * together, and each would otherwise cost a request of its own. A subscription registered again
 * after a delete (`webhooks register`) has a new id: it is found by our URL and followed from then
 * on, so the resources go back to webhooks without a restart.
 */
export function subscriptionWatch(
  ctx: Pick<CaptureContext, 'http' | 'clock'>,
  subscriptionId: string,
  maxAgeMs: number,
  publicUrl?: string,
): () => Promise<WebhookSubscription | undefined> {
  let last: { at: number; answer: Promise<WebhookSubscription | undefined> } | undefined
  let id = subscriptionId
  const client = webhookSubscriptions(ctx.http)
  const byUrl = async (): Promise<WebhookSubscription | undefined> => {
    if (publicUrl === undefined) return undefined
    const found = (await client.list()).find((w) => sameUrl(w.url, publicUrl))
    if (found !== undefined) id = found.id
    return found
  }
  return () => {
    const now = ctx.clock.now()
    if (last === undefined || now - last.at >= maxAgeMs) {
      const answer = client.get(id).catch((error: unknown) => {
        if (isNotFound(error)) return byUrl()
        throw error
      })
      const entry = { at: now, answer }
      last = entry
      // a failed read is not kept: the next fill asks again
      answer.catch(() => {
        if (last === entry) last = undefined
      })
    }
    return last.answer
  }
}

/**
 * Why our subscription no longer announces this resource's changes (deleted, not ENABLED, its
 * events dropped), or undefined while it does.
 */
export function coverageLost(
  subscriptionId: string,
  ours: WebhookSubscription | undefined,
  resource: Resource,
): string | undefined {
  if (ours === undefined) return `webhook subscription ${subscriptionId} was deleted`
  if (ours.status !== 'ENABLED') return `webhook subscription ${subscriptionId} is ${ours.status}`
  const missing = (resource.webhookEvents ?? []).filter((e) => !ours.enabled_events.includes(e))
  if (missing.length > 0)
    return `webhook subscription ${subscriptionId} no longer enables ${missing.join(', ')}`
  return undefined
}

/**
 * The events of this resource that occurred since the last fill, from the events endpoint into the
 * inbox, page by page (each page written before the next is read; the writer sends it in pieces
 * below the inbox's max.message.bytes); then the position moves to when this fill began
 * (Personio's clock, less the skew margin). A fill cut short moves nothing: the next one reads the
 * same events again, and fingerprints drop what was applied. The first fill of a resource only
 * marks where webhooks took over: polling covered what came before.
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
  let filled = 0
  for await (const events of eventPages(
    ctx.http,
    subscriptionId,
    cursor.webhookAt - GAP_OVERLAP_MS,
    new Set(resource.webhookEvents ?? []),
  )) {
    if (events.length > 0) await write(events, 'events-endpoint')
    filled += events.length
  }
  await saveWebhookAt(ctx, resource, prepared, Math.max(began, cursor.webhookAt))
  return filled
}

/** The reconciliation interval of a resource while it follows webhooks, and while it polls. */
export interface ReconcileIntervals {
  following: number
  polling: number
}

/**
 * Puts a resource on webhooks or back on polling: the settings the poll slot reads (engine.ts
 * skips its incremental ticks while it follows), one log line on each change, and the metric.
 */
function follow(
  ctx: CaptureContext,
  resource: Resource,
  reconcile: ReconcileIntervals,
  why: string | undefined,
): void {
  const following = why === undefined
  if (ctx.webhooks.following(resource.name) === following) return
  ctx.webhooks.set(resource.name, following, reconcile.following)
  publish('personio-kafka:webhooks:following', { resource: resource.name, following })
  if (following)
    ctx.logger.info(
      { resource: resource.name },
      `${resource.name}: the webhook subscription announces its changes again; back on webhooks`,
    )
  else
    ctx.logger.warn(
      { resource: resource.name },
      `${resource.name}: ${why ?? ''}; polled again until it is back (run \`personio-kafka webhooks register\`)`,
    )
}

export interface GapFillOptions {
  subscriptionId: string
  /** the subscription as Personio has it now (`subscriptionWatch`), undefined once deleted */
  subscription: () => Promise<WebhookSubscription | undefined>
  write: InboxWrite
  gapFillMs: number
  reconcile: ReconcileIntervals
  /** WEBHOOK_BURST_MARGIN: list a burst naming more entities than this many times a listing's pages; 0 never */
  burstMargin?: number
}

const refusesCredential = (error: unknown): boolean =>
  error instanceof AuthError ||
  (error instanceof PersonioHttpError && (error.status === 401 || error.status === 403))

/**
 * One gap-fill tick: is the subscription still ours, then the fill. A failing fill never stops
 * the inbox beside it: a warning, and the next tick tries again from the same position.
 */
export async function gapFillTick(
  ctx: CaptureContext,
  resource: Resource,
  prepare: () => Promise<Prepared>,
  options: GapFillOptions,
): Promise<number | undefined> {
  try {
    const ours = await options.subscription()
    const lost = coverageLost(ours?.id ?? options.subscriptionId, ours, resource)
    follow(ctx, resource, options.reconcile, lost)
    if (lost !== undefined || ours === undefined) return undefined
    return await fillGaps(ctx, resource, await prepare(), ours.id, options.write)
  } catch (error) {
    if (ctx.stopping.aborted) return undefined
    // another instance runs this prefix now: this one stops (cli/run.ts), it never fills beside it
    if (error instanceof FencedError) throw error
    // a refused credential (after the client's one token refresh) is the resource's error, as on a
    // by-id read: a lost scope must show in status and /readyz, not as a warning every interval
    if (refusesCredential(error)) throw error
    if (isNotFound(error)) {
      follow(ctx, resource, options.reconcile, `webhook subscription ${options.subscriptionId} was deleted`)
      return undefined
    }
    ctx.logger.warn(
      { resource: resource.name, error: (error as Error).message },
      `${resource.name}: the gap fill from Personio's events endpoint failed (${(error as Error).message}); it tries again in ${Math.round(options.gapFillMs / 1000)} s, the inbox goes on`,
    )
    return undefined
  }
}

/**
 * Our company, once known: the events endpoint is read with our credential, so the company its
 * events name is ours (no setting or subscription field says it). Until then every event passes;
 * from then on an event naming another company (a token shared by mistake) does not.
 */
export function companyGate() {
  let company: string | undefined
  return {
    learn(events: readonly { event: WebhookEvent }[], source: 'delivery' | 'events-endpoint'): void {
      if (source === 'events-endpoint') company ??= events[0]?.event.companyId
    },
    admits: (event: WebhookEvent): boolean => company === undefined || event.companyId === company,
    company: () => company,
  }
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
  options: GapFillOptions & { feed: (topic: string) => Feed },
): Observable<StageReport> {
  const handled = new Set<string>()
  const remember = (id: string) => {
    handled.add(id)
    if (handled.size > REMEMBERED_EVENTS) handled.delete(handled.values().next().value as string)
  }
  const gate = companyGate()
  const write: InboxWrite = (events, source) => {
    gate.learn(events, source)
    return options.write(events, source)
  }
  const ours = (e: WebhookEvent): boolean => {
    const company = gate.company()
    if (gate.admits(e)) return true
    ctx.logger.warn(
      { resource: resource.name, event: e.name },
      `${resource.name}: a ${e.name} event names company ${e.companyId}, not ours (${company ?? '?'}); skipped`,
    )
    return false
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
          const margin = options.burstMargin ?? DEFAULT_BURST_MARGIN
          const coverage = inboxCoverage()
          const hold = inboxHold({
            scheduler,
            isBurst: (work) =>
              listsBurst(resource, work.entities.size, ctx.state.knownOf(resource.name).size, margin),
            apply: async (work, next) => {
              // a listing applied while this work was held may have read some of it already
              const done = await applyInboxWork(
                ctx,
                resource,
                prepared,
                coverage.uncovered(work),
                next,
                margin,
              )
              coverage.note(done)
              out.parents += done.entities
              out.events += done.events
              if (done.events > 0) subscriber.next({ ...out })
            },
            onError: (error) => {
              subscriber.error(error)
              void feed.stop()
            },
            onBacklog: (b) => publish('personio-kafka:webhooks:backlog', { resource: resource.name, ...b }),
          })
          feed
            .run(async (batch) => {
              const fresh = batch.records.filter((r) => {
                const e = inboxEvent(r)
                if (e === undefined || !ours(e)) return false
                const id = `${e.name}|${e.id}|${e.occurredAt}`
                if (handled.has(id)) return false
                remember(id)
                return true
              })
              await hold.add(coverage.uncovered(inboxWorkOf(resource, fresh)), batch.next)
            })
            .then(
              () => subscriber.complete(),
              (error: unknown) => subscriber.error(error),
            )
          return () => {
            hold.stop()
            void feed.stop()
          }
        }),
        timer(0, options.gapFillMs, scheduler).pipe(
          exhaustMap((tick) =>
            from(
              gapFillTick(
                ctx,
                resource,
                async () => (tick === 0 ? prepared : (prepared = await prepareResource(ctx, resource))),
                { ...options, write },
              ),
            ).pipe(
              exhaustMap((n) =>
                n === undefined ? EMPTY : [{ ...report(resource, 'gap-fill'), parents: n }],
              ),
            ),
          ),
        ),
      )
    }),
  )
}
