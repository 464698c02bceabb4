// The end of a poll cycle, in the resource's turn for a transaction: a complete listing's deletes,
// then the cursor that covers the whole cycle, riding in the last transaction of those deletes —
// or, when nothing is worth a state record, kept in memory alone.
import { publish } from '../../../ops/channels'
import { crashPoint } from '../../../ops/crash-points'
import type { Resource, ResourceName } from '../../../resources'
import { commitPart, type Part } from '../../commit/commit'
import type { CaptureContext } from '../../context'
import type { ListingWatch } from '../../read/listing-watch'
import type { Prepared } from '../../read/prepare'
import { awaitingApproval } from '../../rules/delete-guard'
import { goneKeys } from '../../rules/diff'
import type { Cursor } from '../../state/cursor'
import { keyText, type KeyText, type Known } from '../../state/keys'
import { lagSeconds } from '../../state/lag'
import { settleDeletes } from './deletes'
import { cursorMoved, finalCursor } from './final-cursor'
import type { CyclePlan } from './plan'
import type { CycleReport, Tally } from './tally'

/** Where the cycle leaves its resource, on the ops channels: the lag, and what the guard holds. */
function reportCursor(
  ctx: Pick<CaptureContext, 'http' | 'clock' | 'settings'>,
  resource: ResourceName,
  cursor: Cursor,
  watch: ListingWatch,
): void {
  if (cursor.changedAt !== undefined) {
    const now = ctx.http.markPersonioTime()() ?? ctx.clock.now()
    publish('personio-kafka:capture:cursor', {
      resource,
      changedAtMs: cursor.changedAt,
      lagSeconds: lagSeconds(cursor.changedAt, now),
    })
  }
  publish('personio-kafka:capture:guard', {
    resource,
    deletesHeld: cursor.heldDeletes?.count ?? 0,
    deletesAwaitingApproval: awaitingApproval(cursor.heldDeletes, ctx.settings[resource].deleteGuardMode),
    stampedAhead: cursor.stampedAhead?.count ?? 0,
    shifted: watch.shifted !== undefined,
  })
}

/** Deletes in transactions of TRANSACTION_MAX_RECORDS; the cursor rides in the last one. */
async function commitDeletes(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  gone: ReturnType<typeof goneKeys>,
  cursor: Cursor,
  report: CycleReport,
): Promise<void> {
  const size = ctx.maxTransactionRecords
  for (let i = 0; i === 0 || i < gone.events.length; i += size) {
    const events = gone.events.slice(i, i + size)
    const delta = new Map<KeyText, Known | null>()
    for (const e of events) delta.set(keyText(resource.key, e.key), null)
    const last = i + size >= gone.events.length
    const part: Part = { events, deadLetters: [], delta, ...(last ? { cursor } : {}) }
    const done = await commitPart(ctx, resource, prepared, part)
    report.published.d += done.published.d
  }
}

/** The cursor as the state topic holds it (idle cycles move only memory's), remembered once. */
function durableCursor(ctx: Pick<CaptureContext, 'memory'>, resource: ResourceName, before: Cursor): Cursor {
  if (!ctx.memory.durableCursors.has(resource)) ctx.memory.durableCursors.set(resource, before)
  return ctx.memory.durableCursors.get(resource) ?? before
}

export function finish(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  tally: Tally,
): Promise<CycleReport> {
  return ctx.serial(resource.name, async () => {
    const before = ctx.state.cursor(resource.name)
    const known = ctx.state.knownOf(resource.name)
    const complete = plan.kind === 'reconcile' || (plan.kind === 'snapshot' && plan.deletes)
    const deletes = complete ? await settleDeletes(ctx, resource, prepared, tally.watch, before) : undefined
    const cursor = finalCursor(ctx, resource, prepared, plan, before, tally, deletes)
    reportCursor(ctx, resource.name, cursor, tally.watch)
    const gone = goneKeys(resource, known, deletes?.publish ?? [], new Set())
    if (complete) crashPoint('mid-reconcile')
    const durable = durableCursor(ctx, resource.name, before)
    if (gone.events.length === 0 && !cursorMoved(durable, cursor)) {
      ctx.state.commit({ resource: resource.name, known: new Map(), cursor }) // nothing worth a transaction
      return tally.report
    }
    await commitDeletes(ctx, resource, prepared, gone, cursor, tally.report)
    return tally.report
  })
}
