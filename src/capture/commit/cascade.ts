// Records that go with a deleted record of another resource (a deleted person's absences and
// attendances): Personio deletes them with the person and announces none of them, so without this
// they would stay live in Kafka until their own next full listing. Read from the declarations'
// `removedWith` slots; the state remembers each dependent record's `field` value beside its
// fingerprint (refs.ts), so the cascade needs no read of Personio or of a topic.
//
// The cascade's tombstones ride in the transaction that publishes the parent's delete (commit.ts),
// so they are published exactly when it is: never for a delete the delete guard holds, never twice,
// never lost across a crash. That transaction takes the dependents' transaction turns (ctx.serial)
// too, so no part of theirs is diffed and committed against the state it changes.
import { resources, type Resource, type ResourceName } from '../../resources'
import type { ChangeEvent } from '../rules/change-event'
import type { Part } from './part'
import type { CaptureContext } from '../context'
import { goneKeys } from '../rules/diff'
import type { CaptureMemory } from '../state/memory'
import { prepareResource, type Prepared } from '../read/prepare'
import { settleUncertain } from './settle-commit'
import { keyText, type KeyText, type Known } from '../state/keys'

/** A resource whose records go with a deleted `parent` record, found by `field`. */
export interface Dependent {
  resource: Resource
  field: string
}

/** The tombstones of one dependent resource that ride along with its parent's deletes. */
export interface Rider {
  resource: Resource
  prepared: Prepared
  events: ChangeEvent[]
  delta: Map<KeyText, Known | null>
}

/** Every top-level resource whose records go with a deleted record of `parent`, by declaration. */
export function dependentsOf(
  parent: ResourceName,
  all: Readonly<Record<string, Resource>> = resources,
): Dependent[] {
  const out: Dependent[] = []
  for (const r of Object.values(all))
    for (const w of r.removedWith ?? []) if (w.resource === parent) out.push({ resource: r, field: w.field })
  return out.sort((a, b) => a.resource.name.localeCompare(b.resource.name))
}

/**
 * The dependents capture follows (CAPTURE_RESOURCES): a resource not captured has no topic to keep
 * honest, and what an earlier run published of it is left to its own listing once enabled again.
 */
export function capturedDependentsOf(
  ctx: Pick<CaptureContext, 'settings'>,
  parent: ResourceName,
): Dependent[] {
  return dependentsOf(parent).filter((d) => ctx.settings[d.resource.name]?.enabled === true)
}

/** The parent ids a part deletes: its single-field key of every delete event. */
export function deletedIds(parent: Pick<Resource, 'key'>, events: readonly ChangeEvent[]): Set<string> {
  const ids = new Set<string>()
  if (parent.key.length !== 1) return ids
  const field = parent.key[0] as string
  for (const e of events) if (e.op === 'd' && e.key[field] != null) ids.add(String(e.key[field]))
  return ids
}

/**
 * Pure: the known keys whose remembered `field` names one of the deleted parents. A record moved
 * to another parent remembers the new one, so it stays; one never published is not known at all.
 * One pass over the dependent's keys per transaction, not per deleted parent.
 */
export function cascadeKeys(
  known: ReadonlyMap<KeyText, Known>,
  field: string,
  parents: ReadonlySet<string>,
): KeyText[] {
  if (parents.size === 0) return []
  const out: KeyText[] = []
  for (const [text, k] of known) {
    const value = k.r?.[field]
    if (value !== undefined && value !== null && parents.has(String(value))) out.push(text)
  }
  return out
}

/**
 * Runs `work` inside every dependent's transaction turn (in name order, so two cascades never wait on each
 * other), with each dependent's state settled first: a dependent's inbox batch or listing part is
 * never diffed against a state the cascade is changing.
 */
export function inDependentLanes<T>(
  ctx: CaptureContext,
  dependents: readonly Dependent[],
  work: () => Promise<T>,
): Promise<T> {
  const [first, ...rest] = dependents
  if (first === undefined) return work()
  return ctx.serial(first.resource.name, async () => {
    await settleUncertain(ctx, first.resource.name)
    return inDependentLanes(ctx, rest, work)
  })
}

/** The riders for a part's deletes of `parent`: each dependent's tombstones and its state delta. */
export async function ridersOf(
  ctx: CaptureContext,
  dependents: readonly Dependent[],
  parents: ReadonlySet<string>,
): Promise<Rider[]> {
  const riders: Rider[] = []
  for (const { resource, field } of dependents) {
    const known = ctx.state.knownOf(resource.name)
    const keys = cascadeKeys(known, field, parents)
    if (keys.length === 0) continue
    const gone = goneKeys(resource, known, keys, new Set())
    riders.push({
      resource,
      prepared: await prepareResource(ctx, resource),
      events: gone.events,
      delta: gone.delta,
    })
  }
  return riders
}

/**
 * How long a cascaded key is remembered: far longer than a listing runs between reading a page and
 * diffing it. A record Personio deleted never comes back under its id, so remembering it is safe.
 */
const CASCADE_MEMORY_MS = 24 * 3_600_000

/** Notes the keys a committed cascade tombstoned, forgetting those older than a listing can be. */
export function rememberCascaded(
  memory: Pick<CaptureMemory, 'cascaded'>,
  resource: ResourceName,
  keys: Iterable<KeyText>,
  at: number,
): void {
  const seen = memory.cascaded.get(resource) ?? new Map<KeyText, number>()
  for (const [key, when] of seen) if (when < at - CASCADE_MEMORY_MS) seen.delete(key)
  for (const key of keys) seen.set(key, at)
  memory.cascaded.set(resource, seen)
}

/**
 * Pure: a listing's part without the records a cascade tombstoned after the listing began. A
 * listing reads its pages before it diffs them in the resource's lane; a person deleted in
 * between had their absences tombstoned by the cascade, and the older page still holds them: they
 * would come back as new records, orphans until the next full listing.
 */
export function withoutCascaded(
  resource: Pick<Resource, 'key'>,
  part: Part,
  cascaded: ReadonlyMap<KeyText, number> | undefined,
  readSince: number,
): Part {
  if (cascaded === undefined || cascaded.size === 0) return part
  const after = (key: KeyText) => (cascaded.get(key) ?? -Infinity) >= readSince
  return {
    ...part,
    events: part.events.filter((e) => e.op === 'd' || !after(keyText(resource.key, e.key))),
    delta: new Map([...part.delta].filter(([key, known]) => known === null || !after(key))),
  }
}
