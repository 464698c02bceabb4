// The gap fill (issue #20): what a lost delivery left out is read from Personio's events endpoint
// (events-endpoint.ts) into the inbox, at start and on an interval, and each covered resource's
// position moves on. One fill serves every resource the subscription covers (issue #27): at each
// tick the subscription is looked at once, the events endpoint is read once from the oldest
// position among them (every covered event name at once), and each resource's position moves in
// its own transaction, as when each read for itself. A round ends once the events are written: a
// position waits for its resource's turn (ctx.serial) on its own, so a resource busy with a long
// listing never holds back the fills of the others. The look at the subscription also decides
// which resources follow webhooks: one it no longer covers is polled again (one warning, a metric)
// until it is back.
import { Observable, type SchedulerLike, type Subscriber, type Subscription, timer } from 'rxjs'
import { AuthError, FencedError, PersonioHttpError } from '../../../errors'
import { publish } from '../../../ops/channels'
import type { WebhookSubscription } from '../../../personio/webhooks'
import type { Resource, ResourceName } from '../../../resources'
import type { WebhookEvent } from '../../../webhooks/envelope'
import { commitPart, emptyPart } from '../../commit/commit'
import { settleUncertain } from '../../commit/settle-commit'
import type { CaptureContext } from '../../context'
import type { Prepared } from '../../read/prepare'
import { SKEW_MARGIN_MS } from '../../rules/personio-clock'
import { EVENTS_KEPT_MS, eventPages, GAP_OVERLAP_MS, type FilledEvent } from './events-endpoint'
import { isNotFound } from './inbox-apply'

/** Writes events into the inbox, durably (the receiver's path, and the gap fill's). */
export type InboxWrite = (
  events: readonly { event: WebhookEvent; body: Buffer }[],
  source: 'delivery' | 'events-endpoint',
) => Promise<void>

export interface GapFillOptions {
  subscriptionId: string
  /** the subscription as Personio has it now (`subscriptionWatch`), undefined once deleted */
  subscription: () => Promise<WebhookSubscription | undefined>
  write: InboxWrite
  gapFillMs: number
  /** the reconciliation interval of a resource while it follows webhooks */
  reconcileMs: number
}

/** A resource the fill serves, and its codec for the transaction that moves its position. */
export interface GapFillMember {
  resource: Resource
  prepare: () => Promise<Prepared>
  /** set once its pipeline ended: what still fails for it is nobody's news */
  left?: boolean
}

/** What a fill did for one resource: the events it wrote for it, undefined when it filled nothing. */
export type FillOutcome = PromiseSettledResult<number | undefined>

/** What a round did for each resource, settled once its position is saved (never rejects). */
export type FillOutcomes = Map<ResourceName, Promise<FillOutcome>>

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
 * Puts a resource on webhooks or back on polling: the follow state the poll slot reads (it skips
 * its incremental ticks while the resource follows), one log line on each change, and the metric.
 */
export function follow(
  ctx: Pick<CaptureContext, 'webhooks' | 'logger'>,
  resource: Resource,
  reconcileMs: number,
  why: string | undefined,
): void {
  const following = why === undefined
  if (ctx.webhooks.following(resource.name) === following) return
  ctx.webhooks.set(resource.name, following, reconcileMs)
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

export type CompanyGate = ReturnType<typeof companyGate>

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

const refusesCredential = (error: unknown): boolean =>
  error instanceof AuthError ||
  (error instanceof PersonioHttpError && (error.status === 401 || error.status === 403))

/**
 * A fill that failed for a resource. It never stops the inbox beside it: a warning, and the next
 * tick tries again from the same position. Thrown on, so the resource stops with it: a fence
 * (another instance runs this prefix now: this one stops, cli/run.ts, it never fills beside it),
 * and a refused credential (after the client's one token refresh), as on a read by id: a lost
 * scope must show in status and /readyz, not as a warning every interval.
 */
function fillFailed(
  ctx: Pick<CaptureContext, 'webhooks' | 'logger' | 'stopping'>,
  member: GapFillMember,
  error: unknown,
  options: Pick<GapFillOptions, 'subscriptionId' | 'gapFillMs' | 'reconcileMs'>,
): undefined {
  const { resource } = member
  if (ctx.stopping.aborted || member.left === true) return undefined
  if (error instanceof FencedError || refusesCredential(error)) throw error
  if (isNotFound(error)) {
    follow(ctx, resource, options.reconcileMs, `webhook subscription ${options.subscriptionId} was deleted`)
    return undefined
  }
  const message = (error as Error).message
  ctx.logger.warn(
    { resource: resource.name, error: message },
    `${resource.name}: the gap fill from Personio's events endpoint failed (${message}); it tries again in ${Math.round(options.gapFillMs / 1000)} s, the inbox goes on`,
  )
  return undefined
}

/** A resource whose fill reads the events endpoint: from where, and what moves after. */
interface Reader {
  member: GapFillMember
  prepared: Prepared
  /** when the round began, by Personio's clock less the skew margin: where the position moves */
  began: number
  webhookAt: number
  /** its events that occurred from here on are its own (as the endpoint answers `occurred_at.gte`) */
  from: number
  names: ReadonlySet<string>
  filled: number
}

/**
 * Where a resource's fill starts, or the save of what it did instead (0 events, once saved). The
 * first fill of a resource only marks where webhooks took over: polling covered what came before.
 * A position older than the 30 days Personio keeps events cannot be filled: the next cycle lists
 * everything.
 */
function placed(
  ctx: CaptureContext,
  member: GapFillMember,
  began: number,
  prepared: Prepared,
): Reader | Promise<number> {
  const { resource } = member
  const cursor = ctx.state.cursor(resource.name)
  if (cursor.webhookAt === undefined)
    return saveWebhookAt(ctx, resource, prepared, Math.min(cursor.changedAt ?? began, began)).then(() => 0)
  if (began - cursor.webhookAt > EVENTS_KEPT_MS) {
    ctx.logger.warn(
      { resource: resource.name, since: new Date(cursor.webhookAt).toISOString() },
      `${resource.name}: the last webhook position is older than the 30 days Personio keeps events; the next cycle lists everything`,
    )
    return saveWebhookAt(ctx, resource, prepared, began, true).then(() => 0)
  }
  const since = cursor.webhookAt - GAP_OVERLAP_MS
  return {
    member,
    prepared,
    began,
    webhookAt: cursor.webhookAt,
    from: Math.floor(since / 1000) * 1000,
    names: new Set(resource.webhookEvents ?? []),
    filled: 0,
  }
}

/**
 * The events since the oldest reader's position, page by page, each page written before the next
 * is read (the writer sends it in pieces below the inbox's max.message.bytes): of each page the
 * events some reader would have read for itself, once.
 */
async function readEvents(
  ctx: Pick<CaptureContext, 'http'>,
  subscriptionId: string,
  readers: readonly Reader[],
  write: InboxWrite,
): Promise<void> {
  const since = Math.min(...readers.map((r) => r.webhookAt)) - GAP_OVERLAP_MS
  const names = new Set(readers.flatMap((r) => [...r.names]))
  for await (const page of eventPages(ctx.http, subscriptionId, since, names)) {
    const wanted = (r: Reader, e: FilledEvent) => r.names.has(e.event.name) && e.event.occurredAt >= r.from
    for (const r of readers) r.filled += page.filter((e) => wanted(r, e)).length
    const events = page.filter((e) => readers.some((r) => wanted(r, e)))
    if (events.length > 0) await write(events, 'events-endpoint')
  }
}

/**
 * One fill for every member: is the subscription still ours, then the events of the resources it
 * covers from the events endpoint into the inbox, then each one's position moves to when this fill
 * began (Personio's clock, less the skew margin). It ends once the events are written: each
 * position is saved in its resource's turn, on its own, and its outcome settles with it. A fill
 * cut short moves nothing: the next one reads the same events again, and fingerprints drop what
 * was applied.
 */
export async function fillRound(
  ctx: CaptureContext,
  members: readonly GapFillMember[],
  options: GapFillOptions,
): Promise<FillOutcomes> {
  const out: FillOutcomes = new Map()
  const settle = (m: GapFillMember, work: Promise<number | undefined>) =>
    out.set(m.resource.name, outcomeOf(ctx, m, work, options))
  let ours: WebhookSubscription | undefined
  try {
    ours = await options.subscription()
  } catch (error) {
    for (const m of members) settle(m, Promise.reject(error))
    return out
  }
  const covered = members.filter((m) => {
    const lost = coverageLost(ours?.id ?? options.subscriptionId, ours, m.resource)
    follow(ctx, m.resource, options.reconcileMs, lost)
    if (lost !== undefined) settle(m, Promise.resolve(undefined))
    return lost === undefined
  })
  if (ours === undefined || covered.length === 0) return out
  const readers = await readersOf(ctx, covered, settle)
  if (readers.length === 0) return out
  try {
    await readEvents(ctx, ours.id, readers, options.write)
  } catch (error) {
    for (const r of readers) settle(r.member, Promise.reject(error))
    return out
  }
  // every event read is in the inbox: the positions may move past them now
  for (const r of readers) {
    const at = Math.max(r.began, r.webhookAt)
    settle(
      r.member,
      saveWebhookAt(ctx, r.member.resource, r.prepared, at).then(() => r.filled),
    )
  }
  return out
}

/** A member's outcome once `work` settled; a failure as fillFailed makes it. */
function outcomeOf(
  ctx: CaptureContext,
  member: GapFillMember,
  work: Promise<number | undefined>,
  options: GapFillOptions,
): Promise<FillOutcome> {
  return work.then(
    (value) => ({ status: 'fulfilled', value }),
    (error: unknown) => {
      try {
        return { status: 'fulfilled', value: fillFailed(ctx, member, error, options) }
      } catch (reason) {
        return { status: 'rejected', reason }
      }
    },
  )
}

/**
 * The covered members that read the events endpoint in this round; the others (a first fill, a
 * position too old, a codec that failed) settle at once, or with their save.
 */
async function readersOf(
  ctx: CaptureContext,
  covered: readonly GapFillMember[],
  settle: (m: GapFillMember, work: Promise<number | undefined>) => void,
): Promise<Reader[]> {
  // re-read at each fill (the pipeline's `prepare`): a custom attribute the daily listing
  // registered meanwhile is mapped by the inbox too
  const prepared = await Promise.allSettled(covered.map((m) => m.prepare()))
  const began = (ctx.http.markPersonioTime()() ?? ctx.clock.now()) - SKEW_MARGIN_MS
  const readers: Reader[] = []
  covered.forEach((m, i) => {
    const codec = prepared[i] as PromiseSettledResult<Prepared>
    if (codec.status === 'rejected') return void settle(m, Promise.reject(codec.reason))
    const place = placed(ctx, m, began, codec.value)
    if (place instanceof Promise) settle(m, place)
    else readers.push(place)
  })
  return readers
}

/** One gap fill for every resource a subscription covers. */
export interface GapFill {
  /**
   * The fills of one resource: it joins the shared ticks when subscribed (its first fill comes at
   * once) and leaves when unsubscribed. Each fill that wrote for it gives the number of its events
   * written; a failure that stops the resource (a fence, a refused credential) fails it alone.
   * `prepare`: its codec at each fill.
   */
  fills(resource: Resource, prepare: () => Promise<Prepared>): Observable<number>
  /** our company, learned from what the fills wrote (every inbox checks its events with it) */
  gate: CompanyGate
}

interface Joined extends GapFillMember {
  /** not filled yet since it joined */
  fresh: boolean
  out: Subscriber<number>
}

/** A member's outcome to its pipeline, unless it left. */
function deliver(m: Joined, outcome: FillOutcome): void {
  if (m.left === true) return
  if (outcome.status === 'rejected') m.out.error(outcome.reason)
  else if (outcome.value !== undefined) m.out.next(outcome.value)
}

/**
 * The shared ticks: one every `gapFillMs` while a resource is served, a tick that comes while a
 * round runs swallowed (a slow Personio stretches the schedule, nothing queues); a resource that
 * joins after the first tick (a pipeline restarted after a failure) is filled at once on its own.
 * A round ends once its events are written; a resource whose position is still being saved (its
 * turn taken by a listing or an inbox batch) sits the next rounds out, and its outcome is
 * reported when its save settles.
 */
export function createGapFill(
  ctx: CaptureContext,
  scheduler: SchedulerLike,
  options: GapFillOptions,
): GapFill {
  const gate = companyGate()
  const write: InboxWrite = (events, source) => {
    gate.learn(events, source)
    return options.write(events, source)
  }
  const joined = new Map<ResourceName, Joined>()
  /** resources whose position a round is still saving */
  const saving = new Set<ResourceName>()
  let ticks: Subscription | undefined
  let soon: Subscription | undefined
  let running = false

  const settled = (taken: readonly Joined[], outcomes: FillOutcomes) => {
    for (const m of taken) {
      const name = m.resource.name
      const outcome = outcomes.get(name)
      if (outcome === undefined) continue
      saving.add(name)
      void outcome.then((o) => {
        saving.delete(name)
        deliver(m, o)
        fillFresh()
      })
    }
  }
  const fill = (members: Joined[]) => {
    const taken = members.filter((m) => !saving.has(m.resource.name))
    if (running || taken.length === 0 || ctx.stopping.aborted) return
    running = true
    for (const m of taken) m.fresh = false
    void fillRound(ctx, taken, { ...options, write })
      .then(
        (outcomes) => settled(taken, outcomes),
        (error: unknown) => taken.forEach((m) => m.left !== true && m.out.error(error)),
      )
      .finally(() => {
        running = false
        fillFresh()
      })
  }
  const fillFresh = () => {
    const due = (m: Joined) => m.fresh && !saving.has(m.resource.name)
    if (soon !== undefined || ![...joined.values()].some(due)) return
    soon = scheduler.schedule(() => {
      soon = undefined
      fill([...joined.values()].filter(due))
    })
  }
  const leave = (m: Joined) => {
    m.left = true
    if (joined.get(m.resource.name) === m) joined.delete(m.resource.name)
    if (joined.size > 0) return
    ticks?.unsubscribe()
    soon?.unsubscribe()
    ticks = soon = undefined
  }

  return {
    gate,
    fills: (resource, prepare) =>
      new Observable<number>((out) => {
        const m: Joined = { resource, prepare, fresh: true, out }
        joined.get(resource.name)?.out.complete()
        joined.set(resource.name, m)
        if (ticks === undefined)
          ticks = timer(0, options.gapFillMs, scheduler).subscribe(() => fill([...joined.values()]))
        else fillFresh()
        return () => leave(m)
      }),
  }
}
