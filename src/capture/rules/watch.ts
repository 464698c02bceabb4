// Which changes of a resource a stage cares about, worked out where the change is detected: each
// record's watched fields are hashed per stage and kept with its fingerprint, and an update that
// left a stage's fields alone says so in a `pk.quiet` header, so the stage reads nothing for it
// (an employee's new last name re-reads no balance). Pure; the declarations live in resources/.
import { hash } from 'node:crypto'
import { resources, type RecordValue, type ResourceName } from '../../resources'
import type { Watch, WatchedField } from '../../resources/resource'
import { sortKeys } from '../../resources/fields/canonical-json'

export interface Watcher {
  stage: ResourceName
  fields: readonly WatchedField[]
}

/** Every watch a stage declares on `name`: as its parent, a resource touching it, or a refresh-all. */
function watchesOn(name: ResourceName): { stage: ResourceName; watch: Watch }[] {
  const out: { stage: ResourceName; watch: Watch }[] = []
  for (const r of Object.values(resources)) {
    const slot = r.stage
    if (slot === undefined) continue
    if (slot.parent === name)
      out.push({ stage: r.name, watch: { resource: name, fields: slot.parentFields } })
    for (const w of [...(slot.touchedBy ?? []), ...(slot.refreshAllOn ?? [])])
      if (w.resource === name) out.push({ stage: r.name, watch: w })
  }
  return out
}

/**
 * The stages that watch only some fields of `name`, with those fields. A stage that also follows
 * the resource through a watch of every field is left out: any change touches it.
 */
export function watchersOf(name: ResourceName): Watcher[] {
  const byStage = new Map<ResourceName, WatchedField[] | null>()
  for (const { stage, watch } of watchesOn(name)) {
    const seen = byStage.get(stage)
    if (seen === null) continue
    byStage.set(stage, watch.fields === undefined ? null : [...(seen ?? []), ...watch.fields])
  }
  return [...byStage].flatMap(([stage, fields]) => (fields === null ? [] : [{ stage, fields }]))
}

function watchedValue(record: RecordValue, field: WatchedField): unknown {
  if (typeof field === 'string') return record[field] ?? null
  const text = record[field.field]
  if (typeof text !== 'string') return text ?? null
  try {
    const items: unknown = JSON.parse(text)
    if (!Array.isArray(items)) return text
    return items.map((item: unknown) =>
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? sortKeys(Object.fromEntries(Object.entries(item).filter(([k]) => !field.ignoring.includes(k))))
        : item,
    )
  } catch {
    return text // not JSON: compared as it is
  }
}

/** A short hash of the watched fields' values, per stage (kept per key in the state topic). */
export function watchHashes(record: RecordValue, watchers: readonly Watcher[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const w of watchers)
    out[w.stage] = hash(
      'sha256',
      JSON.stringify(w.fields.map((f) => watchedValue(record, f))),
      'base64url',
    ).slice(0, 16)
  return out
}

/** The stages whose watched fields an update left as they were. */
export function quietStages(
  before: Readonly<Record<string, string>> | undefined,
  after: Readonly<Record<string, string>>,
): string[] {
  if (before === undefined) return []
  return Object.keys(after).filter((stage) => before[stage] !== undefined && before[stage] === after[stage])
}
