// One cycle of a top-level resource, as its plan says: list (all of it, or what changed since the
// cursor), map, diff against what was published, publish in transactions, then — after a complete
// listing — the deletes, and the cursor that covers the whole cycle in the last transaction.
import { concat, defer, from, last, map, Observable, of, switchMap, tap } from 'rxjs'
import { PkError } from '../errors'
import { cycleLogger, inCycle, newCycleId } from '../ops/logger'
import { publish } from '../ops/channels'
import { crashPoint } from '../ops/crash-points'
import type { Resource, ResourceName } from '../resources'
import { applyFieldPolicy } from './apply-field-policy'
import { commitPart, emptyPart, type Part } from './commit'
import type { CaptureContext } from './context'
import type { Cursor } from './cursor'
import { diffRecords, goneKeys } from './diff'
import { mapPage } from './map-page'
import { batchPages } from './operators/batch-pages'
import { planCycle, type CyclePlan } from './plan'
import { prepareResource, type Prepared } from './prepare'
import { listPages, type RawPage } from './read/listing'
import { refFieldsOf } from './refs'
import type { Known } from './state'

export interface CycleReport {
  resource: ResourceName
  cycleId: string
  plan: CyclePlan['kind']
  pages: number
  read: number
  published: { c: number; u: number; r: number; d: number }
  deadLettered: number
}

/** Per-cycle bookkeeping, created inside the subscription. */
interface Tally {
  report: CycleReport
  seen: Set<string>
  maxChangedAt?: number
  withTimestamp: number
  started: number
}

function pagePart(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  tally: Tally,
  page: RawPage,
  pending: ReadonlyMap<string, Known | null>,
): Part {
  const snapshot = plan.kind === 'snapshot'
  const mapped = applyFieldPolicy(
    prepared.policy,
    mapPage(resource, page.items, 'r', snapshot, prepared.mapping),
  )
  const diff = diffRecords(
    resource,
    mapped.events,
    ctx.state.knownOf(resource.name),
    {
      snapshot,
      resumed: plan.kind === 'snapshot' && plan.resumeAt !== undefined,
      refFields: refFieldsOf(resource.name),
      keepImages: ctx.deleteMode !== 'tombstone',
    },
    pending,
  )
  for (const k of diff.seen) tally.seen.add(k)
  for (const e of mapped.events) {
    if (e.sourceTsMs === undefined) continue
    tally.withTimestamp += 1
    tally.maxChangedAt = Math.max(tally.maxChangedAt ?? e.sourceTsMs, e.sourceTsMs)
  }
  tally.report.pages += 1
  tally.report.read += page.items.length
  publish('personio-kafka:capture:page', {
    resource: resource.name,
    cycleId: tally.report.cycleId,
    items: page.items.length,
    total: page.total,
  })
  return { events: diff.events, deadLetters: mapped.deadLetters, delta: diff.delta }
}

/** A snapshot records where it got to with every batch, so a killed one resumes there. */
function resumeCursor(cursor: Cursor, tally: Tally, position: number | string): Cursor {
  return {
    ...cursor,
    snapshotStartedAt: cursor.snapshotStartedAt ?? tally.started,
    snapshotResumeAt: position,
  }
}

function finalCursor(
  ctx: CaptureContext,
  resource: Resource,
  plan: CyclePlan,
  cursor: Cursor,
  tally: Tally,
): Cursor {
  const complete = plan.kind !== 'incremental'
  const noTimestamps =
    resource.detect === 'incremental' && complete && tally.report.read > 0 && tally.withTimestamp === 0
  if (noTimestamps && cursor.fullListing !== true) {
    ctx.logger.warn(
      { resource: resource.name },
      `Personio sent no ${resource.changedAtField ?? 'change timestamp'} for ${resource.name}: the credential may not read it ` +
        '(Settings → Integrations → API credentials → readable attributes). Falling back to full listings every cycle, ' +
        'which costs a full read per poll; whitelist the attribute to read only changes.',
    )
  }
  const changedAt =
    tally.maxChangedAt === undefined
      ? cursor.changedAt
      : Math.max(cursor.changedAt ?? tally.maxChangedAt, tally.maxChangedAt)
  const next: Cursor = {
    ...cursor,
    changedAt,
    snapshotDone: cursor.snapshotDone || plan.kind === 'snapshot',
    snapshotResumeAt: undefined,
    snapshotStartedAt: undefined,
    resnapshot: undefined,
    lastSuccessAt: ctx.clock.now(),
    lastError: undefined,
  }
  if (complete && (plan.kind !== 'snapshot' || plan.deletes)) next.lastReconcileAt = tally.started
  if (complete && resource.detect === 'incremental') next.fullListing = noTimestamps ? true : undefined
  return next
}

/** Worth a state record: anything but the success time moved, or the last write is ten minutes old. */
function cursorMoved(before: Cursor, after: Cursor): boolean {
  const strip = ({ lastSuccessAt: _, ...rest }: Cursor) => JSON.stringify(rest)
  return strip(before) !== strip(after) || (after.lastSuccessAt ?? 0) - (before.lastSuccessAt ?? 0) > 600_000
}

function finish(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  tally: Tally,
): Promise<CycleReport> {
  return ctx.serial(resource.name, async () => {
    const before = ctx.state.cursor(resource.name)
    const known = ctx.state.knownOf(resource.name)
    const deletes = plan.kind === 'reconcile' || (plan.kind === 'snapshot' && plan.deletes)
    const gone = deletes ? goneKeys(resource, known, [...known.keys()], tally.seen) : emptyPart()
    const cursor = finalCursor(ctx, resource, plan, before, tally)
    if (deletes) crashPoint('mid-reconcile')
    const part: Part = { events: gone.events, deadLetters: [], delta: gone.delta, cursor }
    if (gone.events.length === 0 && !cursorMoved(before, cursor)) {
      ctx.state.commit({ resource: resource.name, known: new Map(), cursor }) // nothing worth a transaction
    } else {
      const done = await commitPart(ctx, resource, prepared, part)
      tally.report.published.d += done.published.d
    }
    return tally.report
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
  return defer(() => from(prepareResource(ctx, resource))).pipe(
    switchMap((prepared) => runCycle(ctx, resource, prepared, forceSnapshot)),
  )
}

function runCycle(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  forceSnapshot: boolean,
): Observable<CycleReport> {
  return defer(() => {
    const cursor = ctx.state.cursor(resource.name)
    const planned = planCycle(resource, cursor, ctx.clock.now(), ctx.settings[resource.name], forceSnapshot)
    const plan: CyclePlan =
      prepared.schemaGrew === true && planned.kind === 'incremental' ? { kind: 'reconcile' } : planned
    const tally: Tally = {
      report: {
        resource: resource.name,
        cycleId: newCycleId(),
        plan: plan.kind,
        pages: 0,
        read: 0,
        published: { c: 0, u: 0, r: 0, d: 0 },
        deadLettered: 0,
      },
      seen: new Set(),
      withTimestamp: 0,
      started: ctx.clock.now(),
    }
    const cycleId = tally.report.cycleId
    const log = cycleLogger(ctx.logger, resource.name, cycleId)
    const facts = { resource: resource.name, cycleId, kind: plan.kind }
    publish('personio-kafka:capture:cycle', { ...facts, phase: 'start' })
    log.debug({ plan }, 'cycle starting')
    crashPoint('before-first-page')
    const listing = listPages(ctx.http, resource, {
      changedSince: plan.kind === 'incremental' ? plan.since : undefined,
      resumeAt: plan.kind === 'snapshot' ? plan.resumeAt : undefined,
    })
    const work = of(prepared).pipe(
      switchMap(() =>
        concat(
          batchPages(
            listing,
            (p) => p.items.length,
            ctx.maxTransactionRecords,
            (pages) =>
              ctx.serial(resource.name, async () => {
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
                  part.cursor = resumeCursor(ctx.state.cursor(resource.name), tally, lastPage.position)
                const done = await commitPart(ctx, resource, prepared, part)
                for (const op of ['c', 'u', 'r'] as const) tally.report.published[op] += done.published[op]
                tally.report.deadLettered += done.deadLettered
                return tally.report
              }),
          ),
          defer(() => finish(ctx, resource, prepared, plan, tally)),
        ),
      ),
      last(),
      map((report) => {
        crashPoint('after-cycle')
        const { c, u, r, d } = report.published
        // An idle cycle is routine: only cycles that published something are worth an info line.
        log[c + u + r + d + report.deadLettered > 0 ? 'info' : 'debug'](
          {
            plan: plan.kind,
            pages: report.pages,
            read: report.read,
            c,
            u,
            r,
            d,
            deadLettered: report.deadLettered,
          },
          'cycle done',
        )
        publish('personio-kafka:capture:cycle', {
          ...facts,
          phase: 'end',
          durationMs: ctx.clock.now() - tally.started,
        })
        return report
      }),
      tap({
        error: (error: unknown) =>
          publish('personio-kafka:capture:cycle', {
            ...facts,
            phase: 'error',
            durationMs: ctx.clock.now() - tally.started,
            error:
              error instanceof PkError
                ? { code: error.code, message: error.message }
                : { code: 'INTERNAL', message: String(error) },
          }),
      }),
    )
    // Everything the cycle starts (the Personio client's retries, kafkajs) logs with its ids.
    return new Observable<CycleReport>((subscriber) =>
      inCycle({ resource: resource.name, cycleId }, () => work.subscribe(subscriber)),
    )
  })
}
