// How a stage runs: its feed (the parent's events, committed offsets in the stage's transactions)
// and its periodic full refresh of every known parent. Each unit — a feed batch, a refresh, a retry
// of pending parents, the first cursor — runs alone in the resource's lane (engine/lanes.ts), so
// the feed and the refresh never interleave; inside a unit each commit takes the resource's turn
// (ctx.serial). Nothing here runs a lane inside the same lane.
import { exhaustMap, from, merge, mergeAll, Observable, timer, type SchedulerLike } from 'rxjs'
import { topicFor } from '../../../contract/naming'
import type { Feed, FeedBatch, IncomingRecord } from '../../../kafka/port'
import type { Resource, ResourceName } from '../../../resources'
import { report, type StageReport } from '../report'
import { commitPart } from '../../commit/commit'
import type { CaptureContext } from '../../context'
import { prepareResource, type Prepared } from '../../read/prepare'
import { settleUncertain } from '../../commit/settle-commit'
import { applyStageWork } from './apply-stage-work'
import { knownParents, stageInputs, workOf, type StageMode } from './stage-work'

/** Opens a feed of the given topics for a stage (the engine knows the group id and the client). */
export type FeedFactory = (resource: ResourceName, topics: string[], untilCaughtUp: boolean) => Feed

/**
 * A stage with no cursor yet starts its feed at the beginning of its parent's topic, which reads
 * every parent once: that is its first full refresh, so the next one is due an interval later.
 */
async function ensureCursor(ctx: CaptureContext, resource: Resource, prepared: Prepared): Promise<void> {
  if (ctx.state.hasCursor(resource.name)) return
  await ctx.lanes.run(resource.name, () => firstCursor(ctx, resource, prepared))
}

async function firstCursor(ctx: CaptureContext, resource: Resource, prepared: Prepared): Promise<void> {
  if (ctx.state.hasCursor(resource.name)) return // another unit wrote it while this one waited
  const now = ctx.clock.now()
  // Rows known without a cursor: the cursor was removed (a reset by an older release, a state
  // topic cut short), while the group offsets stayed where they were. Its feed does not start at
  // the beginning then, so only a full refresh reads every parent again.
  await ctx.serial(resource.name, async () => {
    await settleUncertain(ctx, resource.name)
    const startedOver = ctx.state.knownOf(resource.name).size > 0
    const cursor = {
      ...ctx.state.cursor(resource.name),
      snapshotDone: true,
      lastRefreshAt: startedOver ? 0 : now,
      resnapshot: startedOver ? true : undefined,
      lastSuccessAt: now,
      lastError: undefined,
    }
    return commitPart(ctx, resource, prepared, { events: [], deadLetters: [], delta: new Map(), cursor })
  })
}

/** A refresh is due an interval after the last one, and at once when a resnapshot was asked for. */
function refreshDue(ctx: Pick<CaptureContext, 'clock' | 'state' | 'settings'>, resource: Resource): boolean {
  const cursor = ctx.state.cursor(resource.name)
  if (cursor.resnapshot === true) return true
  return ctx.clock.now() - (cursor.lastRefreshAt ?? 0) >= ctx.settings[resource.name].refreshMs
}

/**
 * Rows whose parent is no longer known: its tombstone went by while the stage was not reading (a
 * stage that lagged past the topic's delete.retention.ms never sees it). Only once the parent
 * resource has a complete listing behind it: before that, not knowing a parent proves nothing.
 */
function orphansOf(
  ctx: Pick<CaptureContext, 'state'>,
  resource: Resource,
  parents: readonly string[],
): string[] {
  const parent = resource.stage?.parent
  if (parent === undefined || !ctx.state.cursor(parent).snapshotDone) return []
  const live = new Set(parents)
  return ctx.state.scopesOf(resource.name).filter((scope) => !live.has(scope))
}

/** Every known parent re-read, and the rows of parents gone removed; the cursor records when. */
function refresh(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  mode: StageMode = 'changes',
): Promise<StageReport> {
  return ctx.lanes.run(resource.name, () => refreshUnit(ctx, resource, prepared, mode))
}

async function refreshUnit(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  mode: StageMode,
): Promise<StageReport> {
  const out = report(resource, 'refresh')
  const started = ctx.clock.now()
  // `personio-kafka resnapshot` on a stage: every row of every parent is published again
  if (ctx.state.cursor(resource.name).resnapshot === true) mode = 'all'
  const parents = knownParents(ctx, resource)
  const done = await applyStageWork(
    ctx,
    resource,
    prepared,
    { refresh: new Set(parents), removeScopes: new Set(orphansOf(ctx, resource, parents)), removeWhere: [] },
    undefined,
    mode,
  )
  out.parents = done.parents
  out.events = done.events
  // built in the resource's turn: from the state as the last commit left it
  await ctx.serial(resource.name, async () => {
    await settleUncertain(ctx, resource.name)
    const cursor = {
      ...ctx.state.cursor(resource.name),
      resnapshot: undefined,
      snapshotDone: true,
      lastRefreshAt: started,
      lastSuccessAt: ctx.clock.now(),
      lastError: undefined,
    }
    return commitPart(ctx, resource, prepared, { events: [], deadLetters: [], delta: new Map(), cursor })
  })
  ctx.logger.info({ resource: resource.name, parents: out.parents, events: out.events }, 'stage refreshed')
  return out
}

/** Parents whose last read decided nothing (a 404 while known, an empty answer), read again. */
function retryPending(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  /** only these (sync --once: those left by an earlier run, not seconds ago by this one) */
  only?: ReadonlySet<string>,
): Promise<StageReport> {
  return ctx.lanes.run(resource.name, () => pendingUnit(ctx, resource, prepared, only))
}

async function pendingUnit(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  only?: ReadonlySet<string>,
): Promise<StageReport> {
  const out = report(resource, 'refresh')
  // read in the lane: the pending parents as the unit before this one left them
  const pending = (ctx.state.cursor(resource.name).pendingParents ?? []).filter(
    (id) => only === undefined || only.has(id),
  )
  if (pending.length === 0) return out
  const work = { refresh: new Set(pending), removeScopes: new Set<string>(), removeWhere: [] }
  const done = await applyStageWork(ctx, resource, prepared, work)
  out.parents = done.parents
  out.events = done.events
  return out
}

const hasPending = (ctx: Pick<CaptureContext, 'state'>, resource: Resource) =>
  (ctx.state.cursor(resource.name).pendingParents ?? []).length > 0

/**
 * run's tick, one unit in the lane: a refresh when one is due (or a resnapshot was asked for),
 * else the pending parents, else nothing. Decided in the lane, from the cursor the unit before
 * left: a tick queued behind a new stage's first cursor, or behind the refresh of a pipeline
 * that was retried, sees that cursor and does not read every parent again (as changes, c).
 */
function tick(ctx: CaptureContext, resource: Resource, prepared: Prepared): Promise<StageReport[]> {
  return ctx.lanes.run(resource.name, async () => {
    // no cursor: its first cursor was not written (the feed fails with it); the first population
    // the feed reads is the first refresh
    if (!ctx.state.hasCursor(resource.name)) return []
    if (refreshDue(ctx, resource)) return [await refreshUnit(ctx, resource, prepared, 'changes')]
    if (hasPending(ctx, resource)) return [await pendingUnit(ctx, resource, prepared)]
    return []
  })
}

/**
 * How a feed batch's rows are labelled: during the first population, and for a batch of parent
 * snapshot reads (op r) whenever it comes, as reads (r); otherwise as changes (c/u). On a fresh
 * start the stage and its parents begin together: a feed that caught up while still empty would
 * otherwise label the rows of the parents' first snapshot c in one run and r in the next.
 */
export function stageModeOf(first: boolean, records: readonly Pick<IncomingRecord, 'headers'>[]): StageMode {
  if (first) return 'first'
  return records.length > 0 && records.every((r) => r.headers.__op === 'r') ? 'first' : 'changes'
}

function feedHandler(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  out: StageReport,
  /** read per batch: the first population ends when the feed has caught up */
  firstPopulation: () => boolean,
) {
  // During the first population every parent arrives on its own topic and is read once, after the
  // records that touch it were listed: reading it again for each touch (an employee's absences
  // come in other batches) would multiply the requests — one per employee is what Personio allows.
  const readOnce = new Set<string>()
  return (batch: FeedBatch) => ctx.lanes.run(resource.name, () => feedUnit(batch))
  async function feedUnit(batch: FeedBatch): Promise<void> {
    const work = await workOf(ctx, resource, batch)
    const first = firstPopulation()
    if (first) {
      for (const id of [...work.refresh]) if (readOnce.has(id)) work.refresh.delete(id)
      for (const id of work.refresh) readOnce.add(id)
    } else readOnce.clear()
    const mode = stageModeOf(first, batch.records)
    const done = await applyStageWork(ctx, resource, prepared, work, batch.next, mode)
    out.parents += done.parents
    out.events += done.events
  }
}

const inputsOf = (ctx: CaptureContext, resource: Resource) =>
  stageInputs(resource).map((n) => topicFor(ctx.prefix, n))

/** sync --once: the feed read to the end it had at the start, then a refresh if one is due. */
export async function stageSyncOnce(
  ctx: CaptureContext,
  resource: Resource,
  feeds: FeedFactory,
): Promise<StageReport> {
  const prepared = await prepareResource(ctx, resource)
  const first = !ctx.state.hasCursor(resource.name)
  const pendingBefore = new Set(ctx.state.cursor(resource.name).pendingParents ?? [])
  await ensureCursor(ctx, resource, prepared)
  const due = refreshDue(ctx, resource)
  const out = report(resource, 'feed')
  await feeds(resource.name, inputsOf(ctx, resource), true).run(
    feedHandler(ctx, resource, prepared, out, () => first),
  )
  // An idle stage is routine: only a catch-up that published something is worth an info line.
  ctx.logger[out.events > 0 ? 'info' : 'debug'](
    { resource: resource.name, parents: out.parents, events: out.events },
    'stage caught up',
  )
  if (due) return refresh(ctx, resource, prepared)
  return pendingBefore.size > 0 ? retryPending(ctx, resource, prepared, pendingBefore) : out
}

/** snapshot: every known parent re-read now. */
export async function stageRefreshOnce(ctx: CaptureContext, resource: Resource): Promise<StageReport> {
  return refresh(ctx, resource, await prepareResource(ctx, resource), 'all')
}

/** run: the feed for as long as it is subscribed, and a refresh whenever one falls due. */
export function stagePipeline(
  ctx: CaptureContext,
  resource: Resource,
  scheduler: SchedulerLike,
  feeds: FeedFactory,
): Observable<StageReport> {
  return from(prepareResource(ctx, resource)).pipe(
    exhaustMap((prepared) =>
      merge(
        new Observable<StageReport>((subscriber) => {
          const feed = feeds(resource.name, inputsOf(ctx, resource), false)
          const out = report(resource, 'feed')
          let first = !ctx.state.hasCursor(resource.name)
          ensureCursor(ctx, resource, prepared)
            .then(() =>
              feed.run(
                feedHandler(ctx, resource, prepared, out, () => first),
                () => (first = false),
              ),
            )
            .then(
              () => subscriber.complete(),
              (error: unknown) => subscriber.error(error),
            )
          return () => void feed.stop()
        }),
        timer(0, Math.min(ctx.settings[resource.name].refreshMs, 60_000), scheduler).pipe(
          exhaustMap(() => from(tick(ctx, resource, prepared)).pipe(mergeAll())),
        ),
      ),
    ),
  )
}
