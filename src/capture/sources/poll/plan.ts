// Pure: what the next cycle of a top-level resource does, from its declaration, its cursor and the
// time (Debezium's coordinator decision: snapshot first, then streaming, with periodic
// reconciliation). Read by the coordinator; a resource never decides *when* itself.
import type { Resource } from '../../../resources'
import type { Cursor } from '../../state/cursor'
import { heldDue } from '../../rules/delete-guard'
import type { ResourceSettings } from '../../settings'

export type CyclePlan =
  /** every record as `r`; deletes only when the listing started at its first page */
  | { kind: 'snapshot'; resumeAt?: number | string; deletes: boolean }
  /** a full listing diffed against what was published: creates, updates and deletes */
  | { kind: 'reconcile' }
  /** the records Personio says changed since `since` (inclusive), diffed; no deletes */
  | { kind: 'incremental'; since: number }

export function planCycle(
  resource: Resource,
  cursor: Cursor,
  now: number,
  settings: Pick<ResourceSettings, 'reconcileMs' | 'overlapMs'> &
    Partial<Pick<ResourceSettings, 'deleteHoldMs' | 'deleteGuardMode'>>,
  forceSnapshot = false,
): CyclePlan {
  if (forceSnapshot) return { kind: 'snapshot', deletes: true }
  if (!cursor.snapshotDone || cursor.resnapshot === true) {
    const resumeAt = cursor.resnapshot === true ? undefined : cursor.snapshotResumeAt
    return resumeAt === undefined
      ? { kind: 'snapshot', deletes: true }
      : { kind: 'snapshot', resumeAt, deletes: false }
  }
  const guard = { mode: settings.deleteGuardMode ?? 'approve', holdMs: settings.deleteHoldMs ?? 0 }
  if (
    resource.detect !== 'incremental' ||
    cursor.fullListing === true ||
    cursor.changedAt === undefined ||
    // the last listing moved under the reader
    cursor.recheck === true ||
    // a held wave was approved, or (hold-then-publish) has waited its time: a listing may publish it
    heldDue(cursor.heldDeletes, now, guard) ||
    // a cursor in the future (written by a release that followed records' own stamps) reads
    // nothing: one full listing puts it back at Personio's clock
    cursor.changedAt > now + 86_400_000
  )
    return { kind: 'reconcile' }
  if (now - (cursor.lastReconcileAt ?? 0) >= settings.reconcileMs) return { kind: 'reconcile' }
  // One second more than the overlap: Personio's filters count whole seconds and some say "after",
  // so a record stamped in the cursor's own second is still read (a tie), never skipped.
  return { kind: 'incremental', since: cursor.changedAt - settings.overlapMs - 1000 }
}
