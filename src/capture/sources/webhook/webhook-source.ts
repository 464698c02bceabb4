// How `run` follows Personio's webhooks (issue #20): the resources a subscription covers are read
// from the inbox (deliveries coalesced and read by id; a burst held and read with one listing,
// inbox-hold.ts and burst.ts, issue #30), and one gap fill shared by them (gap-fill.ts) fills
// from the events endpoint what a lost delivery left out; their polling shrinks to the
// reconciliation listing. Decided at start: without an ENABLED subscription for our URL that
// enables a resource's events, it keeps polling. Each gap fill looks again: a subscription deleted
// or disabled meanwhile puts the resource back on polling (one warning, a metric) until the
// subscription is back.
import { defer, exhaustMap, from, map, merge, Observable, type SchedulerLike } from 'rxjs'
import type { Feed } from '../../../kafka/port'
import { publish } from '../../../ops/channels'
import { sameUrl, webhookSubscriptions, type WebhookSubscription } from '../../../personio/webhooks'
import type { Resource } from '../../../resources'
import type { WebhookEvent } from '../../../webhooks/envelope'
import { inboxEvent, inboxTopicFor } from '../../../webhooks/inbox'
import type { CaptureContext } from '../../context'
import { prepareResource, type Prepared } from '../../read/prepare'
import { report, type StageReport } from '../report'
import { inboxCoverage } from './inbox-coverage'
import { inboxHold } from './inbox-hold'
import { DEFAULT_BURST_MARGIN, listsBurst } from './burst'
import { applyInboxWork, inboxWorkOf, isNotFound } from './inbox-apply'
import type { CompanyGate, GapFill } from './gap-fill'

export { companyGate, coverageLost, type InboxWrite } from './gap-fill'

export interface WebhookCoverage {
  subscription: WebhookSubscription
  covered: Resource[]
}

/**
 * Which selected resources our subscription covers: ENABLED, for our URL, with every event the
 * resource declares. Anything short of that keeps the resource polling, and says why once.
 */
export async function webhookCoverage(
  ctx: Pick<CaptureContext, 'http'>,
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

/**
 * Our subscription as Personio has it now, undefined once it was deleted (404) and none for our
 * URL took its place. One read serves for `maxAgeMs`: the gap fill and whatever else asks meanwhile
 * cost one request. A subscription registered again
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

/** How many handled events a resource remembers, so the gap fill's re-reads cost no request. */
const REMEMBERED_EVENTS = 20_000

/**
 * The events of the inbox this resource has not handled yet, of our company: events already
 * handled (a delivery, then the same event from the events endpoint) are skipped while
 * remembered; past that, fingerprints make them cost a read but no event.
 */
function freshEvents(ctx: Pick<CaptureContext, 'logger'>, resource: Resource, gate: CompanyGate) {
  const handled = new Set<string>()
  const ours = (e: WebhookEvent): boolean => {
    if (gate.admits(e)) return true
    ctx.logger.warn(
      { resource: resource.name, event: e.name },
      `${resource.name}: a ${e.name} event names company ${e.companyId}, not ours (${gate.company() ?? '?'}); skipped`,
    )
    return false
  }
  return (record: Parameters<typeof inboxEvent>[0]): boolean => {
    const e = inboxEvent(record)
    if (e === undefined || !ours(e)) return false
    const id = `${e.name}|${e.id}|${e.occurredAt}`
    if (handled.has(id)) return false
    handled.add(id)
    if (handled.size > REMEMBERED_EVENTS) handled.delete(handled.values().next().value as string)
    return true
  }
}

export interface InboxOptions {
  feed: (topic: string) => Feed
  gate: CompanyGate
  /** WEBHOOK_BURST_MARGIN: list a burst naming more entities than this many times a listing's pages; 0 never */
  burstMargin?: number
}

/**
 * The inbox read for as long as it is subscribed: each batch's events of this resource, held while
 * they form a burst (inbox-hold.ts), then applied as one unit of the resource's lane
 * (applyInboxWork). `prepared`: the resource's codec now (the gap fill re-reads it).
 */
export function inboxReports(
  ctx: CaptureContext,
  resource: Resource,
  scheduler: SchedulerLike,
  prepared: () => Prepared,
  options: InboxOptions,
): Observable<StageReport> {
  return new Observable<StageReport>((subscriber) => {
    const feed = options.feed(inboxTopicFor(ctx.prefix))
    const out = report(resource, 'webhooks')
    const margin = options.burstMargin ?? DEFAULT_BURST_MARGIN
    const coverage = inboxCoverage()
    const fresh = freshEvents(ctx, resource, options.gate)
    const hold = inboxHold({
      scheduler,
      isBurst: (work) =>
        listsBurst(resource, work.entities.size, ctx.state.knownOf(resource.name).size, margin),
      apply: async (work, next) => {
        // a listing applied while this work was held may have read some of it already
        const done = await applyInboxWork(ctx, resource, prepared(), coverage.uncovered(work), next, margin)
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
        const work = inboxWorkOf(resource, batch.records.filter(fresh))
        await hold.add(coverage.uncovered(work), batch.next)
      })
      .then(
        () => subscriber.complete(),
        (error: unknown) => subscriber.error(error),
      )
    return () => {
      hold.stop()
      void feed.stop()
    }
  })
}

export interface WebhookPipelineOptions extends Omit<InboxOptions, 'gate'> {
  /** the gap fill every followed resource shares (createGapFill) */
  gapFill: GapFill
}

/**
 * run: the inbox read for as long as it is subscribed, and the shared gap fill at start and on
 * its interval. Prepared once at start, and again at each gap fill after the first: a custom
 * attribute the daily listing registered meanwhile is mapped by the inbox too.
 */
export function webhookPipeline(
  ctx: CaptureContext,
  resource: Resource,
  scheduler: SchedulerLike,
  options: WebhookPipelineOptions,
): Observable<StageReport> {
  const { gapFill, ...inbox } = options
  return defer(() => {
    const first = prepareResource(ctx, resource)
    let current: Prepared | undefined
    let firstFill = true
    const prepare = async () => {
      const next = firstFill ? first : prepareResource(ctx, resource)
      firstFill = false
      current = await next
      return current
    }
    return merge(
      from(first).pipe(
        exhaustMap((prepared) =>
          inboxReports(ctx, resource, scheduler, () => current ?? prepared, { ...inbox, gate: gapFill.gate }),
        ),
      ),
      // the fill's reads are shared; only its count is this resource's
      gapFill.fills(resource, prepare).pipe(map((n) => ({ ...report(resource, 'gap-fill'), parents: n }))),
    )
  })
}
