// The rows a feed batch removes without reading anything: every row of a deleted parent, and the
// rows whose field names a deleted record (a deleted employee's rows in every report).
import type { Resource } from '../../../resources'
import type { CaptureRuntime } from '../../context'
import type { Part } from '../../commit/part'
import { deleteEvent } from '../../rules/diff'
import { keyValues } from '../../state/keys'
import type { StageWork } from './stage-work'

/** Deletes of every row of the given parents, and of rows whose field matches a removed record. */
export function removalPart(
  ctx: Pick<CaptureRuntime, 'state'>,
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
