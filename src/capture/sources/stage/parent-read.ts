// One parent's rows (a report's rows, an employee's balances), read page by page into the stage's
// open transaction: each page is diffed against the state as it comes, so a parent of 30,000 rows
// is never held whole. Its deletes are decided once its read is complete, from every key it
// listed, and only then is the parent counted as read.
import { PersonioHttpError } from '../../../errors'
import { crashPoint } from '../../../ops/crash-points'
import { resources, type Resource } from '../../../resources'
import { emptyPart, type Part } from '../../commit/part'
import type { CaptureContext, CaptureRuntime } from '../../context'
import { listPages } from '../../read/listing'
import type { Prepared } from '../../read/prepare'
import { applyFieldPolicy } from '../../rules/apply-field-policy'
import { diffRecords, goneKeys } from '../../rules/diff'
import { mapPage } from '../../rules/map-page'
import type { KeyText, Known } from '../../state/keys'
import { slotOf, type ParentId, type StageMode } from './stage-work'
import type { StageTransaction } from './stage-transaction'

/**
 * What a parent's read decided: its rows (`read`), or nothing, when Personio answered 404 for a
 * parent still known (`refused`) or no rows at all for a parent that had some and was not
 * undecided already (`emptied`): an empty answer proves a delete only once a second read agrees.
 */
export type ParentOutcome = 'read' | 'refused' | 'emptied'

export interface ParentRead {
  resource: Resource
  prepared: Prepared
  mode: StageMode
  /** parents whose last read decided nothing (the stage cursor's `pendingParents`) */
  undecidedBefore: ReadonlySet<string>
}

/** Whether the parent's own state still holds it (its tombstone was not published). */
function parentKnown(ctx: Pick<CaptureRuntime, 'state'>, resource: Resource, parentId: ParentId): boolean {
  const parent = resources[slotOf(resource).parent]
  if (parent.key.length !== 1) return true // a composite parent key cannot be looked up: assume it lives
  const known = ctx.state.knownOf(parent.name)
  return known.has(JSON.stringify([parentId])) || known.has(JSON.stringify([Number(parentId)]))
}

/** One page of a parent's rows, diffed against the state and what the transaction decided. */
function pagePart(
  ctx: Pick<CaptureContext, 'state' | 'deleteMode' | 'memory'>,
  read: ParentRead,
  items: unknown[],
  pending: ReadonlyMap<KeyText, Known | null>,
  seen: Set<KeyText>,
): Part {
  const { resource, prepared, mode } = read
  const mapped = applyFieldPolicy(prepared.policy, mapPage(resource, items, 'r', false, prepared.mapping))
  const diff = diffRecords(
    resource,
    mapped.events,
    ctx.state.knownOf(resource.name),
    {
      snapshot: mode === 'all',
      asRead: mode === 'first',
      refFields: [],
      keepImages: ctx.deleteMode !== 'tombstone',
      fingerprint: ctx.memory.fingerprint,
    },
    pending,
  )
  for (const k of diff.seen) seen.add(k)
  return { events: diff.events, deadLetters: mapped.deadLetters, delta: diff.delta }
}

/** The parent's rows not listed by its complete read (nor removed already in this transaction). */
function gonePart(
  ctx: Pick<CaptureRuntime, 'state'>,
  resource: Resource,
  parentId: ParentId,
  pending: ReadonlyMap<KeyText, Known | null>,
  seen: ReadonlySet<KeyText>,
): Part {
  const scope = ctx.state.keysInScope(resource.name, parentId).filter((k) => !pending.has(k))
  const gone = goneKeys(resource, ctx.state.knownOf(resource.name), scope, seen)
  return { events: gone.events, deadLetters: [], delta: gone.delta }
}

/** Reads one parent's rows into `tx`, page by page; its deletes go in once the read is complete. */
export async function readParent(
  ctx: CaptureContext,
  read: ParentRead,
  tx: StageTransaction,
  parentId: ParentId,
): Promise<ParentOutcome> {
  const { resource } = read
  const startedAt = ctx.clock.now()
  const seen = new Set<KeyText>()
  let rows = 0
  try {
    for await (const page of listPages(ctx.http, resource, { parentId })) {
      rows += page.items.length
      if (page.items.length > 0) await tx.add((pending) => pagePart(ctx, read, page.items, pending, seen))
    }
  } catch (error) {
    if (!(error instanceof PersonioHttpError && error.status === 404)) throw error
    // A 404 proves the rows gone only for a parent whose own delete was published; a parent that
    // is still known keeps its rows (Personio may refuse one read, or the credential a scope),
    // and its tombstone, if it is gone, removes them when it comes.
    if (parentKnown(ctx, resource, parentId)) return 'refused'
  }
  let outcome: ParentOutcome = 'read'
  await tx.add((pending) => {
    const gone = gonePart(ctx, resource, parentId, pending, seen)
    if (rows === 0 && gone.events.length > 0 && !read.undecidedBefore.has(String(parentId))) {
      outcome = 'emptied'
      return emptyPart()
    }
    // counted as read with the transaction that holds its deletes, not before
    tx.parentRead(String(parentId), startedAt)
    return gone
  })
  if (outcome === 'read') crashPoint('stage-after-parent')
  return outcome
}
