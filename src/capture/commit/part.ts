// What a source hands over for one transaction: the change events, the dead letters, the state
// they lead to (fingerprints, and the cursor when it moves), the unit of every source alike. The
// committer (commit.ts) encodes and publishes it; a source never reaches the producer itself.
import type { ChangeEvent, DeadLetter } from '../rules/change-event'
import type { Cursor } from '../state/cursor'
import type { KeyText, Known } from '../state/keys'

export interface Part {
  events: ChangeEvent[]
  deadLetters: DeadLetter[]
  delta: Map<KeyText, Known | null>
  cursor?: Cursor
}

export interface Committed {
  published: Record<ChangeEvent['op'], number>
  deadLettered: number
}

export const emptyPart = (): Part => ({ events: [], deadLetters: [], delta: new Map() })

/** Joins parts read while the previous transaction committed into one. */
export function joinParts(parts: readonly Part[]): Part {
  const out = emptyPart()
  for (const p of parts) {
    out.events.push(...p.events)
    out.deadLetters.push(...p.deadLetters)
    for (const [k, v] of p.delta) out.delta.set(k, v)
    if (p.cursor !== undefined) out.cursor = p.cursor
  }
  return out
}
