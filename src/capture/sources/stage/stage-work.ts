// Stages: resources read per parent record (balances per employee, rows per report), driven by the
// change events on the parent's topic (and the topics that touch a parent), with their progress in
// consumer-group offsets committed in the same transaction as their output. Every slot comes from
// the resource's `stage` declaration; nothing here knows which resource it runs. This file reads a
// feed batch into the work it asks for; apply-stage-work.ts does that work.
import { topicFor } from '../../../contract/naming'
import type { FeedBatch, IncomingRecord } from '../../../kafka/port'
import { resources, type Resource, type ResourceName } from '../../../resources'
import type { StageSlot } from '../../../resources/resource'
import type { CapturePorts, CaptureRuntime, CaptureSettings } from '../../context'
import { keyValues } from '../../state/keys'

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

export const slotOf = (resource: Resource): StageSlot => {
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
export function knownParents(ctx: Pick<CaptureRuntime, 'state'>, resource: Resource): string[] {
  const slot = slotOf(resource)
  const parent = resources[slot.parent]
  const index = parent.key.indexOf(slot.parentKey)
  return [...ctx.state.knownOf(parent.name).keys()].map((k) => String(keyValues(k)[index]))
}

type FeedContext = Pick<CapturePorts, 'serde'> &
  Pick<CaptureSettings, 'prefix'> &
  Pick<CaptureRuntime, 'state'>

/** One feed record as the stage sees it: its source resource, op, and whether it leaves us quiet. */
interface Seen {
  record: IncomingRecord & { key: Buffer }
  source: Resource
  gone: boolean
  op: string
  quiet: boolean
}

/** The work being gathered from one batch, and the `rows` touches still to resolve into parents. */
class WorkBuilder {
  readonly work: StageWork = {
    refresh: new Set(),
    since: new Map(),
    removeScopes: new Set(),
    removeWhere: [],
  }
  /** `rows` touches: per row field, the values whose rows' parents are touched, and when */
  readonly rowsTouched = new Map<string, Map<string, number>>()

  asked(id: string, at: number): void {
    this.work.refresh.add(id)
    this.work.since?.set(id, Math.max(this.work.since.get(id) ?? at, at))
  }

  touchRows(field: string, value: string, at: number): void {
    let values = this.rowsTouched.get(field)
    if (values === undefined) this.rowsTouched.set(field, (values = new Map()))
    values.set(value, Math.max(values.get(value) ?? at, at))
  }
}

/** Reads a feed batch: which parents to re-read, which to drop, which rows a delete removes. */
export async function workOf(ctx: FeedContext, resource: Resource, batch: FeedBatch): Promise<StageWork> {
  const builder = new WorkBuilder()
  const byTopic = new Map(stageInputs(resource).map((n) => [topicFor(ctx.prefix, n), resources[n]]))
  for (const record of batch.records) {
    const source = byTopic.get(record.topic)
    if (source === undefined || record.key === null) continue
    const op = record.headers.__op ?? (record.value === null ? 'd' : 'u')
    // An update that left every field this stage watches as it was (the producer's `pk.quiet`
    // header, capture/rules/watch.ts): nothing to read. Events without the header always count.
    const quiet = op === 'u' && (record.headers['pk.quiet'] ?? '').split(',').includes(resource.name)
    const seen: Seen = { record: { ...record, key: record.key }, source, op, gone: op === 'd', quiet }
    await parentEvent(ctx, resource, builder, seen)
    await touchEvent(ctx, resource, builder, seen)
    await removeEvent(ctx, resource, builder, seen)
  }
  touchedRows(ctx, resource, builder)
  return builder.work
}

/** The parent's own event: a delete drops its rows, anything else (once ready) re-reads them. */
async function parentEvent(ctx: FeedContext, resource: Resource, b: WorkBuilder, s: Seen): Promise<void> {
  const slot = slotOf(resource)
  if (s.source.name !== slot.parent) return
  const key = await ctx.serde.decodeKey(s.source, s.record.key)
  const id = String(key[slot.parentKey])
  if (s.gone) {
    b.work.removeScopes.add(id)
    b.work.refresh.delete(id)
    return
  }
  const value = s.record.value
  if (s.quiet) return
  if (
    slot.ready !== undefined &&
    (value === null || !slot.ready((await ctx.serde.decodeValue(value)).record))
  )
    return
  b.asked(id, s.record.timestamp)
  b.work.removeScopes.delete(id)
}

/** An event of a resource that touches parents: by a reference, every parent, or by their rows. */
async function touchEvent(ctx: FeedContext, resource: Resource, b: WorkBuilder, s: Seen): Promise<void> {
  const slot = slotOf(resource)
  const at = s.record.timestamp
  for (const t of slot.touchedBy ?? []) {
    if (t.resource !== s.source.name || s.quiet) continue
    if (t.field !== undefined) {
      const ref = s.record.headers[`pk.ref.${t.field}`]
      if (ref !== undefined && !b.work.removeScopes.has(ref)) b.asked(ref, at)
    } else if (s.op === 'c' || s.op === 'r') {
      // a new record may join any parent's rows (a new hire, in every report that lists them)
      for (const id of knownParents(ctx, resource)) b.asked(id, at)
    } else if (!s.gone) {
      const key = await ctx.serde.decodeKey(s.source, s.record.key)
      b.touchRows(t.rows, String(key[s.source.key[0] as string]), at)
    }
  }
  if (!s.gone && !s.quiet && (slot.refreshAllOn ?? []).some((w) => w.resource === s.source.name))
    for (const id of knownParents(ctx, resource)) b.work.refresh.add(id)
}

/** A delete of a record whose rows go with it (a deleted employee's report rows). */
async function removeEvent(ctx: FeedContext, resource: Resource, b: WorkBuilder, s: Seen): Promise<void> {
  for (const r of slotOf(resource).removedWith ?? []) {
    if (r.resource !== s.source.name || !s.gone) continue
    const key = await ctx.serde.decodeKey(s.source, s.record.key)
    b.work.removeWhere.push({ field: r.field, value: Object.values(key)[0] })
  }
}

/** One pass over the stage's rows finds the parents whose rows hold a touched value. */
function touchedRows(ctx: Pick<CaptureRuntime, 'state'>, resource: Resource, b: WorkBuilder): void {
  if (b.rowsTouched.size === 0) return
  const slot = slotOf(resource)
  const scopeAt = resource.key.indexOf(slot.scopeField)
  const fields = [...b.rowsTouched].map(([field, values]) => ({ at: resource.key.indexOf(field), values }))
  for (const text of ctx.state.knownOf(resource.name).keys()) {
    const row = keyValues(text)
    for (const { at, values } of fields) {
      const when = values.get(String(row[at]))
      const parent = String(row[scopeAt])
      if (when !== undefined && !b.work.removeScopes.has(parent)) b.asked(parent, when)
    }
  }
}
