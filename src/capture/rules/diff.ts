// Pure change detection: mapped records against what was last published. A new key is a create,
// a different fingerprint an update, an identical one nothing at all; a known key missing from a
// full listing is a delete. Snapshots re-publish every record as a read (`r`).
import { fingerprint, legacyFingerprint, type Fingerprint } from '../../contract/fingerprint'
import type { RecordValue, Resource } from '../../resources/resource'
import type { ChangeEvent } from './change-event'
import { keyText, keyValues, type KeyText, type Known } from '../state/keys'
import { quietStages, watchHashes, type Watcher } from './watch'

export interface DiffOptions {
  /** a snapshot: every record is published as `r`, changed or not */
  snapshot: boolean
  /**
   * a first population read in pieces (a stage's parents, some read more than once): only new or
   * changed records, labelled as snapshot reads (`r`)
   */
  asRead?: boolean
  /**
   * a snapshot resumed after a crash: a record it already published (same fingerprint) is not
   * published again — an endpoint that ignores its offset, or records shifting between pages,
   * would otherwise hand the resumed part records the killed part committed
   */
  resumed?: boolean
  /** fields remembered per key so a delete can still name them (a stage's references) */
  refFields: readonly string[]
  /** keep the last image per key (the rewrite delete modes publish it with __deleted=true) */
  keepImages: boolean
  /** the engine's fingerprinter (it caches field orders); default: the uncached one */
  fingerprint?: (record: RecordValue) => Fingerprint
  /** stages that watch only some of this resource's fields (capture/rules/watch.ts `watchersOf`) */
  watchers?: readonly Watcher[]
}

export interface Diff {
  events: ChangeEvent[]
  /** what the state becomes once these events are committed */
  delta: Map<KeyText, Known | null>
  /** keys read, whether changed or not (a full listing's deletes are the known keys not seen) */
  seen: KeyText[]
}

const refsOf = (record: RecordValue, fields: readonly string[]) =>
  fields.length === 0
    ? undefined
    : Object.fromEntries(fields.map((f) => [f, (record[f] ?? null) as string | number | null]))

/**
 * @param known what the state holds now
 * @param pending deltas of earlier pages in the same transaction (a key read twice is diffed once)
 */
export function diffRecords(
  resource: Resource,
  mapped: readonly ChangeEvent[],
  known: ReadonlyMap<KeyText, Known>,
  options: DiffOptions,
  pending: ReadonlyMap<KeyText, Known | null> = new Map(),
): Diff {
  const events: ChangeEvent[] = []
  const delta = new Map<KeyText, Known | null>()
  const seen: KeyText[] = []
  for (const event of mapped) {
    if (event.record === null) continue
    const text = keyText(resource.key, event.key)
    seen.push(text)
    const fp = (options.fingerprint ?? fingerprint)(event.record)
    const before = delta.has(text) ? delta.get(text) : pending.has(text) ? pending.get(text) : known.get(text)
    const had = before !== undefined && before !== null ? before : undefined
    // A fingerprint stored by an earlier release (nulls hashed too) still means "unchanged"; the
    // state then takes the current one, without publishing anything.
    const migrated = had !== undefined && had.f !== fp && had.f === legacyFingerprint(event.record)
    const same = had !== undefined && (had.f === fp || migrated)
    const op = options.snapshot
      ? options.resumed === true && same
        ? undefined
        : 'r'
      : had === undefined
        ? 'c'
        : same
          ? undefined
          : 'u'
    const watched =
      options.watchers === undefined || options.watchers.length === 0
        ? undefined
        : watchHashes(event.record, options.watchers)
    const refs = refsOf(event.record, options.refFields)
    if (op === undefined) {
      // State written before a field was remembered (a release that added a cascade) learns it
      // from the next read, without publishing anything.
      const stale = options.refFields.some((f) => had?.r?.[f] === undefined)
      if (migrated || stale)
        delta.set(text, {
          ...had,
          f: fp,
          ...(refs === undefined ? {} : { r: refs }),
          ...(watched === undefined ? {} : { w: watched }),
        })
      continue
    }
    const read = options.asRead === true
    const quiet = op === 'u' && watched !== undefined ? quietStages(had?.w, watched) : []
    events.push({
      ...event,
      op: read ? 'r' : op,
      snapshot: options.snapshot || read,
      ...(refs === undefined ? {} : { refs }),
      ...(quiet.length === 0 ? {} : { quiet }),
    })
    delta.set(text, {
      f: fp,
      ...(refs === undefined ? {} : { r: refs }),
      ...(options.keepImages ? { i: event.record } : {}),
      ...(watched === undefined ? {} : { w: watched }),
    })
  }
  return { events, delta, seen }
}

/** Deletes for known keys that a complete listing did not return (optionally only within a scope). */
export function goneKeys(
  resource: Resource,
  known: ReadonlyMap<KeyText, Known>,
  candidates: Iterable<KeyText>,
  seen: ReadonlySet<KeyText>,
): Diff {
  const events: ChangeEvent[] = []
  const delta = new Map<KeyText, Known | null>()
  for (const text of candidates) {
    if (seen.has(text)) continue
    const entry = known.get(text)
    if (entry === undefined) continue
    events.push(deleteEvent(resource, text, entry))
    delta.set(text, null)
  }
  return { events, delta, seen: [] }
}

export function deleteEvent(resource: Resource, text: KeyText, entry: Known): ChangeEvent {
  const values = keyValues(text)
  const key = Object.fromEntries(resource.key.map((k, i) => [k, values[i]]))
  return {
    resource: resource.name,
    key,
    op: 'd',
    record: entry.i ?? null,
    snapshot: false,
    refs: entry.r,
  }
}
