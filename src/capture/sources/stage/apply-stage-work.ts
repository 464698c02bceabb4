// A stage's unit of work: the rows a batch removes, then the parents it asks for, re-read a few at a
// time into transactions bounded by records and bytes (stage-transaction.ts); the consumed offsets
// (when a feed batch asked for the work) and the parents left undecided ride in the last one. The
// caller runs it in the resource's lane; each commit takes the resource's turn (ctx.serial).
import { PersonioHttpError, StoppingError } from '../../../errors'
import type { ConsumedOffsets } from '../../../kafka/port'
import { crashPoint } from '../../../ops/crash-points'
import type { Resource } from '../../../resources'
import type { Part } from '../../commit/part'
import { settleUncertain } from '../../commit/settle-commit'
import type { CaptureContext, CaptureRuntime } from '../../context'
import type { Prepared } from '../../read/prepare'
import type { Cursor } from '../../state/cursor'
import { readParent, type ParentOutcome, type ParentRead } from './parent-read'
import { removalPart } from './removal'
import { STAGE_TRANSACTION_MAX_BYTES, StageTransaction } from './stage-transaction'
import { slotOf, type StageMode, type StageWork } from './stage-work'

/**
 * Parents read at once: the rate limiter paces them, concurrency only hides Personio's latency.
 * Each holds one page at a time, so a large parent costs a page, not its rows.
 */
const PARENT_READS_AT_ONCE = 4

/**
 * When each parent's rows were last read and committed, per stage. In memory only: after a restart
 * every parent asked for is read again. A parent read after the event that asks for it was
 * published already holds that event's change (Personio had it before capture listed it), so an
 * employee event and an absence event for the same person cost one balance read, not two.
 */
function readsOf(ctx: Pick<CaptureRuntime, 'memory'>, resource: Resource): Map<string, number> {
  let reads = ctx.memory.lastReads.get(resource.name)
  if (reads === undefined) ctx.memory.lastReads.set(resource.name, (reads = new Map()))
  return reads
}

/** The parents asked for that were not read since the newest event that asked. */
function parentsToRead(work: StageWork, reads: ReadonlyMap<string, number>): string[] {
  return [...work.refresh].filter((id) => {
    const readAt = reads.get(id)
    const since = work.since?.get(id)
    return readAt === undefined || since === undefined || readAt <= since
  })
}

/** A part of deletes in pieces of at most `size`: its events and its delta were built side by side. */
function* slices(part: Part, size: number): Generator<Part> {
  const delta = [...part.delta]
  for (let i = 0; i < part.events.length; i += size)
    yield {
      events: part.events.slice(i, i + size),
      deadLetters: [],
      delta: new Map(delta.slice(i, i + size)),
    }
}

/**
 * Reads every parent into `tx`, PARENT_READS_AT_ONCE at a time. A failed read stops the others
 * taking a new parent, and the unit ends only once every read in flight has ended.
 */
async function readParents(
  ctx: CaptureContext,
  read: ParentRead,
  tx: StageTransaction,
  parents: readonly string[],
): Promise<Map<string, ParentOutcome>> {
  const outcomes = new Map<string, ParentOutcome>()
  let next = 0
  let failure: { error: unknown } | undefined
  const reader = async () => {
    while (next < parents.length && failure === undefined) {
      // A batch of thousands of parents (a first population) is minutes of reads: a stop ends it
      // here; its offsets were not committed, so the next run reads the batch again.
      if (ctx.stopping.aborted)
        throw new StoppingError(`stopping: ${read.resource.name} left the rest of its batch`)
      const id = parents[next++] as string
      outcomes.set(id, await readParent(ctx, read, tx, id))
    }
  }
  const readers = Array.from({ length: Math.min(PARENT_READS_AT_ONCE, parents.length) }, () =>
    reader().catch((error: unknown) => void (failure ??= { error })),
  )
  await Promise.all(readers)
  if (failure !== undefined) throw failure.error
  return outcomes
}

/** Parents refused or emptied: a 404 for all of several is the credential, not the parents. */
function undecidedOf(
  ctx: Pick<CaptureContext, 'logger'>,
  resource: Resource,
  parents: readonly string[],
  outcomes: ReadonlyMap<string, ParentOutcome>,
): { refused: string[]; emptied: string[] } {
  const refused = parents.filter((id) => outcomes.get(id) === 'refused')
  const emptied = parents.filter((id) => outcomes.get(id) === 'emptied')
  if (refused.length > 0 && refused.length === parents.length && parents.length > 1) {
    throw new PersonioHttpError(
      `Personio answered 404 for every one of the ${parents.length} ${slotOf(resource).parent} whose ` +
        `${resource.name} were read (e.g. ${refused.slice(0, 3).join(', ')}), though they exist: the credential ` +
        `may have lost access to ${resource.name}. Nothing was removed; check the credential's permissions.`,
      { status: 404, method: 'GET', endpoint: resource.source.path },
    )
  }
  const parent = slotOf(resource).parent
  if (refused.length > 0)
    ctx.logger.warn(
      { resource: resource.name, parents: refused.slice(0, 10), count: refused.length },
      `Personio answered 404 for ${refused.length} known ${parent}: their ${resource.name} stay, and are read again on the stage's next tick`,
    )
  if (emptied.length > 0)
    ctx.logger.warn(
      { resource: resource.name, parents: emptied.slice(0, 10), count: emptied.length },
      `Personio answered no ${resource.name} for ${emptied.length} ${parent} that had some: they are removed only if the next read agrees`,
    )
  return { refused, emptied }
}

/**
 * The cursor of the last transaction, when it changes: the parents left undecided ride in it, so
 * none is forgotten, and a unit that succeeded clears the last error `status` shows. `before` is
 * the cursor as the state holds it in the last commit's turn.
 */
const finalCursor =
  (read: readonly string[], undecided: readonly string[]) =>
  (before: Cursor): Cursor | undefined => {
    const wasPending = before.pendingParents ?? []
    const readNow = new Set(read)
    const stillPending = [...wasPending.filter((id) => !readNow.has(id)), ...undecided]
    const pendingChanged = JSON.stringify([...wasPending].sort()) !== JSON.stringify([...stillPending].sort())
    if (!pendingChanged && before.lastError === undefined) return undefined
    return {
      ...before,
      pendingParents: stillPending.length === 0 ? undefined : stillPending,
      lastError: undefined,
    }
  }

/**
 * Re-reads the parents a unit asks for, and removes the rows it drops, in transactions of bounded
 * size; the consumed offsets (when a feed batch asked for the work) ride in the last one, so
 * progress never passes output that was not committed. Runs inside the resource's lane.
 */
export async function applyStageWork(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  work: StageWork,
  consumed?: ConsumedOffsets,
  mode: StageMode = 'changes',
): Promise<{ parents: number; events: number; undecided: number }> {
  await ctx.serial(resource.name, () => settleUncertain(ctx, resource.name))
  const reads = readsOf(ctx, resource)
  const parents = parentsToRead(work, reads)
  // read in the lane: only a unit of this lane changes the pending parents
  const pendingBefore = ctx.state.cursor(resource.name).pendingParents ?? []
  const tx = new StageTransaction(ctx, resource, prepared, reads, {
    records: ctx.maxTransactionRecords,
    bytes: STAGE_TRANSACTION_MAX_BYTES,
  })
  // the rows removed first: a parent read after them never decides them a second time
  for (const slice of slices(removalPart(ctx, resource, work), ctx.maxTransactionRecords))
    await tx.add(() => slice)
  const read: ParentRead = { resource, prepared, mode, undecidedBefore: new Set(pendingBefore) }
  const outcomes = await readParents(ctx, read, tx, parents)
  const { refused, emptied } = undecidedOf(ctx, resource, parents, outcomes)
  if (consumed !== undefined) crashPoint('stage-before-offset-commit')
  await tx.finish(consumed, finalCursor(parents, [...refused, ...emptied]))
  return { parents: parents.length, events: tx.events, undecided: refused.length + emptied.length }
}
