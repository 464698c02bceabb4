// Where a poll cycle leaves its resource's cursor: a snapshot's resume point after each batch, and
// after the whole cycle the time up to which changes are covered, what the deletes decided, and
// the warnings a reader of the cursor would want once (no change stamps, stamps in the future).
import type { Resource } from '../../../resources'
import type { CaptureContext } from '../../context'
import type { Prepared } from '../../read/prepare'
import type { HeldDeletes } from '../../rules/delete-guard'
import { SKEW_MARGIN_MS } from '../../rules/personio-clock'
import type { Cursor } from '../../state/cursor'
import type { KeyText } from '../../state/keys'
import type { CyclePlan } from './plan'
import type { Tally } from './tally'

/** What a complete listing's deletes come to: published now, held, or the next cycle re-reads. */
export interface DeleteOutcome {
  publish: KeyText[]
  hold?: HeldDeletes
  recheck: boolean
}

/** A snapshot records where it got to with every batch, so a killed one resumes there. */
export function resumeCursor(cursor: Cursor, tally: Tally, position: number | string, now: number): Cursor {
  return {
    ...cursor,
    snapshotStartedAt: cursor.snapshotStartedAt ?? tally.personioStart(),
    snapshotResumeAt: position,
    snapshotProgressAt: now,
  }
}

/**
 * Up to when changes are covered: the moment the listing began by Personio's clock (a snapshot:
 * its first part), less the skew margin — never a record's own stamp, which may lie in the future.
 * A Personio that states no time leaves the newest change seen, never past our own clock.
 */
function coveredUpTo(plan: CyclePlan, cursor: Cursor, tally: Tally): number | undefined {
  const start = (plan.kind === 'snapshot' ? cursor.snapshotStartedAt : undefined) ?? tally.personioStart()
  if (start !== undefined) return start - SKEW_MARGIN_MS
  const newest =
    tally.maxChangedAt === undefined
      ? cursor.changedAt
      : Math.max(cursor.changedAt ?? tally.maxChangedAt, tally.maxChangedAt)
  return newest === undefined ? undefined : Math.min(newest, tally.started - SKEW_MARGIN_MS)
}

/** A complete listing of an incremental resource in which no record carried its change stamp. */
function withoutStamps(resource: Resource, plan: CyclePlan, tally: Tally): boolean {
  const complete = plan.kind !== 'incremental'
  return resource.detect === 'incremental' && complete && tally.report.read > 0 && tally.withTimestamp === 0
}

/** Said once, when the condition starts: the cursor remembers it. */
function warnAboutStamps(
  ctx: Pick<CaptureContext, 'logger'>,
  resource: Resource,
  cursor: Cursor,
  tally: Tally,
  noTimestamps: boolean,
): void {
  if (noTimestamps && cursor.fullListing !== true) {
    ctx.logger.warn(
      { resource: resource.name },
      `Personio sent no ${resource.changedAtField ?? 'change timestamp'} for ${resource.name}: the credential may not read it ` +
        '(Settings → Integrations → API credentials → readable attributes). Falling back to full listings every cycle, ' +
        'which costs a full read per poll; whitelist the attribute to read only changes.',
    )
  }
  if (tally.ahead !== undefined && cursor.stampedAhead === undefined) {
    ctx.logger.warn(
      {
        resource: resource.name,
        records: tally.ahead.count,
        latest: new Date(tally.ahead.maxMs).toISOString(),
      },
      `Personio sent ${tally.ahead.count} ${resource.name} record(s) stamped in the future (latest ` +
        `${new Date(tally.ahead.maxMs).toISOString()}): they are published, and the cursor stays at Personio's ` +
        'own clock so later changes are still read.',
    )
  }
}

export function finalCursor(
  ctx: Pick<CaptureContext, 'logger' | 'clock' | 'http'>,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  cursor: Cursor,
  tally: Tally,
  deletes: DeleteOutcome | undefined,
): Cursor {
  const noTimestamps = withoutStamps(resource, plan, tally)
  warnAboutStamps(ctx, resource, cursor, tally, noTimestamps)
  // A resumed snapshot began with an older schema: only a listing read whole with this one fills it.
  const readWhole = plan.kind === 'reconcile' || (plan.kind === 'snapshot' && plan.resumeAt === undefined)
  const ourNow = ctx.clock.now()
  const personioNow = ctx.http.markPersonioTime()()
  const next: Cursor = {
    ...cursor,
    changedAt: coveredUpTo(plan, cursor, tally),
    snapshotDone: cursor.snapshotDone || plan.kind === 'snapshot',
    snapshotResumeAt: undefined,
    snapshotStartedAt: undefined,
    snapshotProgressAt: undefined,
    resnapshot: undefined,
    // `at` is when records were first seen ahead: an unchanged condition is no new state record
    stampedAhead:
      tally.ahead === undefined
        ? undefined
        : { ...tally.ahead, at: cursor.stampedAhead?.at ?? tally.ahead.at },
    customFields:
      readWhole && prepared.customFields !== undefined ? prepared.customFields : cursor.customFields,
    lastSuccessAt: ourNow,
    // `status` reads the lag on Personio's clock from it, long after this process is gone
    personioAheadMs: personioNow === undefined ? cursor.personioAheadMs : personioNow - ourNow,
    lastError: undefined,
  }
  if (deletes !== undefined) {
    next.heldDeletes = deletes.hold
    next.recheck = deletes.recheck ? true : undefined
    // a listing whose deletes could not be trusted is no reconciliation
    if (!deletes.recheck) next.lastReconcileAt = tally.started
  }
  if (plan.kind !== 'incremental' && resource.detect === 'incremental')
    next.fullListing = noTimestamps ? true : undefined
  return next
}

/**
 * Worth a state record: anything but the success time and the covered time moved, the covered
 * time by five minutes, or the last write is ten minutes old. An idle cycle moves the covered time
 * in memory only: after a restart the older one re-reads a little more, and fingerprints drop it.
 */
export function cursorMoved(before: Cursor, after: Cursor): boolean {
  // the clock difference jitters by the `Date` header's second: no reason to write by itself
  const strip = ({ lastSuccessAt: _, changedAt: __, personioAheadMs: ___, ...rest }: Cursor) =>
    JSON.stringify(rest)
  return (
    strip(before) !== strip(after) ||
    (before.changedAt === undefined) !== (after.changedAt === undefined) ||
    Math.abs((after.changedAt ?? 0) - (before.changedAt ?? 0)) >= 300_000 ||
    (after.lastSuccessAt ?? 0) - (before.lastSuccessAt ?? 0) > 600_000
  )
}
