// Stages: resources read per parent record (balances per employee, rows per report), driven by the
// change events on the parent's topic (and the topics that touch a parent), with their progress in
// consumer-group offsets committed in the same transaction as their output. Every slot comes from
// the resource's `stage` declaration; nothing here knows which resource it runs.
import { PersonioHttpError, StoppingError } from '../../../errors'
import { crashPoint } from '../../../ops/crash-points'
import { topicFor } from '../../../contract/naming'
import type { ConsumedOffsets, FeedBatch } from '../../../kafka/port'
import { resources, type RecordValue, type Resource, type ResourceName } from '../../../resources'
import type { StageSlot } from '../../../resources/resource'
import { applyFieldPolicy } from '../../rules/apply-field-policy'
import { commitPart, emptyPart, joinParts, type Part } from '../../commit/commit'
import type { CaptureContext } from '../../context'
import { deleteEvent, diffRecords, goneKeys } from '../../rules/diff'
import { mapPage } from '../../rules/map-page'
import type { Prepared } from '../../read/prepare'
import { listPages } from '../../read/listing'
import { settleUncertain } from '../../commit/settle-commit'
import { keyValues, type Known } from '../../state/keys'

export type ParentId = string | number

/**
 * changes: new, changed and gone rows (c/u/d); first: a stage's first population, read in pieces
 * (a parent may come more than once), new rows as snapshot reads (r); all: a forced snapshot,
 * every row as r.
 */
export type StageMode = 'changes' | 'first' | 'all'

/** What a batch of feed records asks of a stage. */
export interface StageWork {
  refresh: Set<string>
  /** per parent to refresh, the newest record time of the events that asked for it */
  since?: Map<string, number>
  removeScopes: Set<string>
  removeWhere: { field: string; value: unknown }[]
}

const slotOf = (resource: Resource): StageSlot => {
  if (resource.stage === undefined) throw new Error(`resource ${resource.name} is not a stage`)
  return resource.stage
}

/** The topics a stage reads: its parent's and those that touch or remove its rows. */
export function stageInputs(resource: Resource): ResourceName[] {
  const slot = slotOf(resource)
  return [
    ...new Set([
      slot.parent,
      ...(slot.touchedBy ?? []).map((t) => t.resource),
      ...(slot.removedWith ?? []).map((t) => t.resource),
      ...(slot.refreshAllOn ?? []).map((w) => w.resource),
    ]),
  ]
}

/** Every parent the state knows (a full refresh). */
export function knownParents(ctx: CaptureContext, resource: Resource): string[] {
  const slot = slotOf(resource)
  const parent = resources[slot.parent]
  const index = parent.key.indexOf(slot.parentKey)
  return [...ctx.state.knownOf(parent.name).keys()].map((k) => String(keyValues(k)[index]))
}

/** Reads a feed batch: which parents to re-read, which to drop, which rows a delete removes. */
export async function workOf(ctx: CaptureContext, resource: Resource, batch: FeedBatch): Promise<StageWork> {
  const slot = slotOf(resource)
  const work: StageWork = { refresh: new Set(), since: new Map(), removeScopes: new Set(), removeWhere: [] }
  const asked = (id: string, at: number) => {
    work.refresh.add(id)
    work.since?.set(id, Math.max(work.since.get(id) ?? at, at))
  }
  const byTopic = new Map(stageInputs(resource).map((n) => [topicFor(ctx.prefix, n), resources[n]]))
  /** `rows` touches: per row field, the values whose rows' parents are touched, and when */
  const rowsTouched = new Map<string, Map<string, number>>()
  for (const record of batch.records) {
    const source = byTopic.get(record.topic)
    if (source === undefined || record.key === null) continue
    const op = record.headers.__op ?? (record.value === null ? 'd' : 'u')
    const gone = op === 'd'
    // An update that left every field this stage watches as it was (the producer's `pk.quiet`
    // header, capture/rules/watch.ts): nothing to read. Events without the header always count.
    const quiet = op === 'u' && (record.headers['pk.quiet'] ?? '').split(',').includes(resource.name)
    if (source.name === slot.parent) {
      const key = await ctx.serde.decodeKey(source, record.key)
      const id = String(key[slot.parentKey])
      if (gone) {
        work.removeScopes.add(id)
        work.refresh.delete(id)
      } else if (
        !quiet &&
        (slot.ready === undefined ||
          (record.value !== null && slot.ready(await decodeRecord(ctx, record.value))))
      ) {
        asked(id, record.timestamp)
        work.removeScopes.delete(id)
      }
    }
    for (const t of slot.touchedBy ?? []) {
      if (t.resource !== source.name || quiet) continue
      if (t.field !== undefined) {
        const ref = record.headers[`pk.ref.${t.field}`]
        if (ref !== undefined && !work.removeScopes.has(ref)) asked(ref, record.timestamp)
      } else if (op === 'c' || op === 'r') {
        // a new record may join any parent's rows (a new hire, in every report that lists them)
        for (const id of knownParents(ctx, resource)) asked(id, record.timestamp)
      } else if (!gone) {
        const key = await ctx.serde.decodeKey(source, record.key)
        const value = String(key[source.key[0] as string])
        let values = rowsTouched.get(t.rows)
        if (values === undefined) rowsTouched.set(t.rows, (values = new Map()))
        values.set(value, Math.max(values.get(value) ?? record.timestamp, record.timestamp))
      }
    }
    if (!gone && !quiet && (slot.refreshAllOn ?? []).some((w) => w.resource === source.name))
      for (const id of knownParents(ctx, resource)) work.refresh.add(id)
    for (const r of slot.removedWith ?? []) {
      if (r.resource !== source.name || !gone) continue
      const key = await ctx.serde.decodeKey(source, record.key)
      work.removeWhere.push({ field: r.field, value: Object.values(key)[0] })
    }
  }
  // One pass over the stage's rows finds the parents whose rows hold a touched value.
  if (rowsTouched.size > 0) {
    const scopeAt = resource.key.indexOf(slot.scopeField)
    const fields = [...rowsTouched].map(([field, values]) => ({ at: resource.key.indexOf(field), values }))
    for (const text of ctx.state.knownOf(resource.name).keys()) {
      const row = keyValues(text)
      for (const { at, values } of fields) {
        const when = values.get(String(row[at]))
        const parent = String(row[scopeAt])
        if (when !== undefined && !work.removeScopes.has(parent)) asked(parent, when)
      }
    }
  }
  return work
}

async function decodeRecord(ctx: CaptureContext, value: Buffer): Promise<RecordValue> {
  return (await ctx.serde.decodeValue(value)).record
}

/** Whether the parent's own state still holds it (its tombstone was not published). */
function parentKnown(ctx: CaptureContext, resource: Resource, parentId: ParentId): boolean {
  const slot = slotOf(resource)
  const parent = resources[slot.parent]
  if (parent.key.length !== 1) return true // a composite parent key cannot be looked up: assume it lives
  const known = ctx.state.knownOf(parent.name)
  return known.has(JSON.stringify([parentId])) || known.has(JSON.stringify([Number(parentId)]))
}

/**
 * One parent's rows, read and diffed against what the state holds for that parent. Nothing of it
 * is decided (`undecided`) when Personio answered 404 for a parent still known, or answered no
 * rows at all for a parent that had some and was not undecided already: an empty answer proves a
 * delete only once a second read agrees.
 */
async function parentPart(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  parentId: ParentId,
  mode: StageMode,
  /** what this transaction already decided (a removal, another parent): never decided twice */
  pending: ReadonlyMap<string, Known | null>,
  /** parents whose last read decided nothing (the stage cursor's `pendingParents`) */
  undecidedBefore: ReadonlySet<string>,
): Promise<Part & { undecided?: 'refused' | 'emptied' }> {
  const items: unknown[] = []
  try {
    for await (const page of listPages(ctx.http, resource, { parentId })) items.push(...page.items)
  } catch (error) {
    if (!(error instanceof PersonioHttpError && error.status === 404)) throw error
    // A 404 proves the rows gone only for a parent whose own delete was published; a parent that
    // is still known keeps its rows (Personio may refuse one read, or the credential a scope),
    // and its tombstone, if it is gone, removes them when it comes.
    if (parentKnown(ctx, resource, parentId)) return { ...emptyPart(), undecided: 'refused' }
  }
  const scope = ctx.state.keysInScope(resource.name, parentId).filter((k) => !pending.has(k))
  if (items.length === 0 && scope.length > 0 && !undecidedBefore.has(String(parentId)))
    return { ...emptyPart(), undecided: 'emptied' }
  const known = ctx.state.knownOf(resource.name)
  const mapped = applyFieldPolicy(prepared.policy, mapPage(resource, items, 'r', false, prepared.mapping))
  const diff = diffRecords(
    resource,
    mapped.events,
    known,
    {
      snapshot: mode === 'all',
      asRead: mode === 'first',
      refFields: [],
      keepImages: ctx.deleteMode !== 'tombstone',
      fingerprint: ctx.memory.fingerprint,
    },
    pending,
  )
  // A row the same transaction already removed (its employee was deleted) is not removed twice.
  const gone = goneKeys(resource, known, scope, new Set(diff.seen))
  return joinParts([
    { events: diff.events, deadLetters: mapped.deadLetters, delta: diff.delta },
    { events: gone.events, deadLetters: [], delta: gone.delta },
  ])
}

/** Deletes of every row of the given parents, and of rows whose field matches a removed record. */
export function removalPart(
  ctx: CaptureContext,
  resource: Resource,
  work: Pick<StageWork, 'removeScopes' | 'removeWhere'>,
): Part {
  const known = ctx.state.knownOf(resource.name)
  const part: Part = { events: [], deadLetters: [], delta: new Map() }
  const drop = (text: string) => {
    const entry = known.get(text)
    if (entry === undefined || part.delta.has(text)) return
    part.events.push(deleteEvent(resource, text, entry))
    part.delta.set(text, null)
  }
  for (const scope of work.removeScopes)
    for (const text of ctx.state.keysInScope(resource.name, scope)) drop(text)
  if (work.removeWhere.length > 0) {
    const positions = work.removeWhere.map((w) => ({
      index: resource.key.indexOf(w.field),
      value: String(w.value),
    }))
    for (const text of known.keys()) {
      const values = keyValues(text)
      if (positions.some((p) => p.index >= 0 && String(values[p.index]) === p.value)) drop(text)
    }
  }
  return part
}

/** Parents read at once: the rate limiter paces them, concurrency only hides Personio's latency. */
const PARENT_READS_AT_ONCE = 4

/**
 * When each parent's rows were last read and committed, per stage. In memory only: after a restart
 * every parent asked for is read again. A parent read after the event that asks for it was
 * published already holds that event's change (Personio had it before capture listed it), so an
 * employee event and an absence event for the same person cost one balance read, not two.
 */
function readsOf(ctx: CaptureContext, resource: Resource): Map<string, number> {
  let reads = ctx.memory.lastReads.get(resource.name)
  if (reads === undefined) ctx.memory.lastReads.set(resource.name, (reads = new Map()))
  return reads
}

/**
 * Re-reads parents in transactions of bounded size; the consumed offsets (when a feed batch asked
 * for the work) ride in the last one, so progress never passes output that was not committed.
 */
export async function applyStageWork(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  work: StageWork,
  consumed?: ConsumedOffsets,
  mode: StageMode = 'changes',
): Promise<{ parents: number; events: number; undecided: number }> {
  // The whole unit holds the resource's turn: the feed and the periodic refresh never interleave.
  return ctx.serial(resource.name, async () => {
    await settleUncertain(ctx, resource.name)
    let part = removalPart(ctx, resource, work)
    let events = 0
    const reads = readsOf(ctx, resource)
    const parents = [...work.refresh].filter((id) => {
      const readAt = reads.get(id)
      const since = work.since?.get(id)
      return readAt === undefined || since === undefined || readAt <= since
    })
    let unflushed: [string, number][] = []
    const refused: string[] = []
    const emptied: string[] = []
    const cursorBefore = ctx.state.cursor(resource.name)
    const undecidedBefore = new Set(cursorBefore.pendingParents ?? [])
    const remember = () => {
      for (const [id, at] of unflushed) reads.set(id, at)
      unflushed = []
    }
    const flush = async (offsets?: ConsumedOffsets) => {
      const done = await commitPart(ctx, resource, prepared, part, offsets)
      events += Object.values(done.published).reduce((a, b) => a + b, 0)
      part = { events: [], deadLetters: [], delta: new Map() }
      remember()
    }
    for (let i = 0; i < parents.length; i += PARENT_READS_AT_ONCE) {
      // A batch of thousands of parents (a first population) is minutes of reads: a stop ends it
      // here; its offsets were not committed, so the next run reads the batch again.
      if (ctx.stopping.aborted)
        throw new StoppingError(`stopping: ${resource.name} left the rest of its batch`)
      const window = parents.slice(i, i + PARENT_READS_AT_ONCE)
      const startedAt = ctx.clock.now()
      const decided = part.delta
      const parts = await Promise.all(
        window.map((id) => parentPart(ctx, resource, prepared, id, mode, decided, undecidedBefore)),
      )
      for (const [j, p] of parts.entries()) {
        if (p.undecided !== undefined) {
          // not decided: read again on the stage's next tick (the cursor keeps it)
          ;(p.undecided === 'refused' ? refused : emptied).push(window[j] as string)
          continue
        }
        part = joinParts([part, p])
        unflushed.push([window[j] as string, startedAt])
        crashPoint('stage-after-parent')
      }
      const lastOne = i + PARENT_READS_AT_ONCE >= parents.length
      if (!lastOne && part.events.length + part.deadLetters.length >= ctx.maxTransactionRecords) await flush()
    }
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
    // The parents left undecided ride in the cursor of the last transaction, so none is forgotten.
    const read = new Set(parents)
    const stillPending = [...[...undecidedBefore].filter((id) => !read.has(id)), ...refused, ...emptied]
    const pendingChanged =
      JSON.stringify([...undecidedBefore].sort()) !== JSON.stringify([...stillPending].sort())
    // a unit that succeeded clears the last error `status` shows
    const errorCleared = cursorBefore.lastError !== undefined
    if (pendingChanged || errorCleared)
      part.cursor = {
        ...cursorBefore,
        pendingParents: stillPending.length === 0 ? undefined : stillPending,
        lastError: undefined,
      }
    if (
      part.events.length > 0 ||
      part.deadLetters.length > 0 ||
      consumed !== undefined ||
      pendingChanged ||
      errorCleared
    ) {
      if (consumed !== undefined) crashPoint('stage-before-offset-commit')
      await flush(consumed)
    } else remember() // read, nothing changed: nothing to commit
    return { parents: parents.length, events, undecided: refused.length + emptied.length }
  })
}
