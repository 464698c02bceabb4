// One cycle of a top-level resource, as its plan says: list (all of it, or what changed since the
// cursor), map, diff against what was published, publish in transactions, then — after a complete
// listing — the deletes, and the cursor that covers the whole cycle in the last transaction.
// A cycle is a source: it hands its parts to commit/, never to the producer itself.
import { concat, defer, from, ignoreElements, last, map, merge, Observable, of, switchMap, tap } from 'rxjs'
import { cycleLogger, inCycle, type Logger } from '../../../ops/logger'
import { crashPoint, pausePoint, pausingAt } from '../../../ops/crash-points'
import type { Resource, ResourceName } from '../../../resources'
import { withoutCascaded } from '../../commit/cascade'
import { commitPart, emptyPart } from '../../commit/commit'
import { settleUncertain } from '../../commit/settle-commit'
import type { CaptureContext } from '../../context'
import type { ResourceSettings } from '../../settings'
import { listPages, type RawPage } from '../../read/listing'
import { prepareResource, type Prepared } from '../../read/prepare'
import { batchPages } from './batch-pages'
import { announceCycle } from './cycle-report'
import { resumeCursor } from './final-cursor'
import { finish } from './finish'
import { pagePart } from './page-part'
import { planCycle, type CyclePlan } from './plan'
import { newReport, newTally, type CycleReport, type Tally } from './tally'

export type { CycleReport } from './tally'

/** A resource's settings as they stand now: while it follows webhooks, their reconciliation interval. */
export function settingsNow(
  ctx: Pick<CaptureContext, 'settings' | 'webhooks'>,
  resource: ResourceName,
): ResourceSettings {
  const configured = ctx.settings[resource]
  return { ...configured, reconcileMs: ctx.webhooks.reconcileMs(resource, configured.reconcileMs) }
}

/**
 * A cycle as one unit of its resource's lane (engine/lanes.ts): it starts once the unit before it
 * has ended — an inbox batch, say — and the next waits until it has ended. So a record an inbox
 * batch publishes never lands between a listing's read of its page and its diff: it would look
 * deleted, or be overwritten by the listing's older read. The inbox catches up right after,
 * reading by id. Never called from inside a unit of the same lane (it would wait for itself).
 */
export function cycleInLane(
  ctx: CaptureContext,
  resource: Resource,
  forceSnapshot = false,
): Observable<CycleReport> {
  return defer(() => {
    const waits = ctx.lanes.occupied(resource.name)
    const turn = ctx.lanes.observe(resource.name, () => captureCycle(ctx, resource, forceSnapshot))
    if (!waits) return turn
    // its turn taken behind another unit: a test acts here, while the listing waits (pause points)
    return merge(turn, defer(() => pausePoint('listing-waits-for-inbox')).pipe(ignoreElements()))
  })
}

/**
 * One cycle: the codec first (a custom attribute that appeared is registered before anything is
 * read), then the plan. A value schema that grew turns an incremental read into a full listing:
 * Personio does not bump `last_modified_at` when an attribute is added, yet every record now has
 * a value for it.
 */
export function captureCycle(
  ctx: CaptureContext,
  resource: Resource,
  forceSnapshot = false,
): Observable<CycleReport> {
  return defer(() =>
    from(settleUncertain(ctx, resource.name).then(() => prepareResource(ctx, resource))),
  ).pipe(switchMap((prepared) => runCycle(ctx, resource, prepared, forceSnapshot)))
}

function planFor(
  ctx: Pick<CaptureContext, 'state' | 'clock' | 'settings' | 'webhooks'>,
  resource: Resource,
  prepared: Prepared,
  forceSnapshot: boolean,
): CyclePlan {
  const cursor = ctx.state.cursor(resource.name)
  const planned = planCycle(resource, cursor, ctx.clock.now(), settingsNow(ctx, resource.name), forceSnapshot)
  // A custom attribute the last whole read did not have: every record now has a value for it.
  const fill =
    prepared.customFields !== undefined &&
    cursor.snapshotDone &&
    prepared.customFields.some((f) => !(cursor.customFields ?? []).includes(f))
  return fill && planned.kind === 'incremental' ? { kind: 'reconcile' } : planned
}

function runCycle(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  forceSnapshot: boolean,
): Observable<CycleReport> {
  return defer(() => {
    const plan = planFor(ctx, resource, prepared, forceSnapshot)
    const report = newReport(resource.name, plan)
    // Followed by webhooks: the inbox and the events endpoint carry every change, so there is no
    // incremental listing; only the reconciliation listing (and a first snapshot) read Personio.
    if (plan.kind === 'incremental' && ctx.webhooks.following(resource.name)) return of(report)
    const tally = newTally(ctx, report)
    const log = cycleLogger(ctx.logger, resource.name, report.cycleId)
    const announce = announceCycle(ctx.clock, log, plan, tally)
    announce.start()
    crashPoint('before-first-page')
    const work = concat(
      listingBatches(ctx, resource, prepared, plan, tally, log),
      defer(() => finish(ctx, resource, prepared, plan, tally)),
    ).pipe(
      last(),
      map((done) => {
        crashPoint('after-cycle')
        announce.done(done)
        return done
      }),
      tap({ error: (error: unknown) => announce.failed(error) }),
    )
    // Everything the cycle starts (the Personio client's retries, kafkajs) logs with its ids.
    return new Observable<CycleReport>((subscriber) =>
      inCycle({ resource: resource.name, cycleId: report.cycleId }, () => work.subscribe(subscriber)),
    )
  })
}

/** The listing, read a batch ahead of what is being published: one transaction per batch. */
function listingBatches(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  tally: Tally,
  log: Logger,
): Observable<CycleReport> {
  const listing = listPages(ctx.http, resource, {
    changedSince: plan.kind === 'incremental' ? plan.since : undefined,
    resumeAt: plan.kind === 'snapshot' ? plan.resumeAt : undefined,
    onRestart: (why) => log.warn({ resource: resource.name }, why),
  })
  return batchPages(
    pausingAt('listing-page-read', listing),
    (p) => p.items.length,
    ctx.maxTransactionRecords,
    (pages) => ctx.serial(resource.name, () => commitPages(ctx, resource, prepared, plan, tally, pages)),
  )
}

async function commitPages(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  tally: Tally,
  pages: readonly RawPage[],
): Promise<CycleReport> {
  // Pages joined into one transaction are diffed in order: a key read twice counts once.
  const part = emptyPart()
  for (const page of pages) {
    const next = pagePart(ctx, resource, prepared, plan, tally, page, part.delta)
    part.events.push(...next.events)
    part.deadLetters.push(...next.deadLetters)
    for (const [k, v] of next.delta) part.delta.set(k, v)
  }
  const lastPage = pages[pages.length - 1]
  crashPoint('after-page')
  if (plan.kind === 'snapshot' && lastPage !== undefined)
    part.cursor = resumeCursor(ctx.state.cursor(resource.name), tally, lastPage.position, ctx.clock.now())
  // read before a person's delete took their records along: those stay gone
  const fresh = withoutCascaded(resource, part, ctx.memory.cascaded.get(resource.name), tally.started)
  const done = await commitPart(ctx, resource, prepared, fresh)
  for (const op of ['c', 'u', 'r'] as const) tally.report.published[op] += done.published[op]
  tally.report.deadLettered += done.deadLettered
  return tally.report
}
