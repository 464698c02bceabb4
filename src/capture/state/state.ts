// What capture remembers between cycles and across restarts, mirrored in the compacted state topic:
// per resource a cursor, and per published key a fingerprint of what was last published (plus the
// parent references a stage needs when the record is gone, and the last image in rewrite mode).
// Memory changes only when a transaction has committed (`commit`), never before.
import { StateError } from '../../errors'
import type { OutgoingRecord } from '../../kafka/port'
import { keyValues, type KeyText, type Known } from './keys'
import { decodeCursor, encodeCursor, initialCursor, type Cursor } from './cursor'

export interface StateDelta {
  resource: string
  /** null: the key is gone */
  known: Map<KeyText, Known | null>
  cursor?: Cursor
}

const CURSOR = 'cursor/'
const KNOWN = 'known/'
export const MARKER = 'marker/'

export class CaptureState {
  private readonly cursors = new Map<string, Cursor>()
  private readonly known = new Map<string, Map<KeyText, Known>>()
  /** stage resources: scope value (parent id) → keys, so a parent's rows are found without a scan */
  private readonly scopes = new Map<string, Map<string, Set<KeyText>>>()

  /** @param scopeIndex stage resource → position of its scope field in its key */
  constructor(private readonly scopeIndex: Readonly<Record<string, number>> = {}) {}

  cursor(resource: string): Cursor {
    return this.cursors.get(resource) ?? initialCursor(resource)
  }

  hasCursor(resource: string): boolean {
    return this.cursors.has(resource)
  }

  knownOf(resource: string): ReadonlyMap<KeyText, Known> {
    return this.known.get(resource) ?? new Map()
  }

  keysInScope(resource: string, scope: string | number): KeyText[] {
    return [...(this.scopes.get(resource)?.get(String(scope)) ?? [])]
  }

  /** Stage resources: every scope (parent id) that holds rows. */
  scopesOf(resource: string): string[] {
    return [...(this.scopes.get(resource) ?? new Map<string, Set<KeyText>>()).entries()]
      .filter(([, keys]) => keys.size > 0)
      .map(([scope]) => scope)
  }

  /** Replays one state-topic record (restore). */
  load(key: string, value: Buffer | null): void {
    if (key.startsWith(CURSOR)) {
      const resource = key.slice(CURSOR.length)
      if (value === null) this.cursors.delete(resource)
      else this.cursors.set(resource, decodeCursor(resource, value))
      return
    }
    if (key.startsWith(KNOWN)) {
      const rest = key.slice(KNOWN.length)
      const slash = rest.indexOf('/')
      const resource = rest.slice(0, slash)
      const text = rest.slice(slash + 1)
      this.setKnown(resource, text, value === null ? null : decodeKnown(key, value))
    }
    // markers and anything a later release adds are not ours to interpret
  }

  /** Applies a committed transaction's delta. */
  commit(delta: StateDelta): void {
    for (const [text, known] of delta.known) this.setKnown(delta.resource, text, known)
    if (delta.cursor !== undefined) this.cursors.set(delta.resource, delta.cursor)
  }

  /** Holds for one resource exactly what `other` holds (its state read back from the topic). */
  adopt(resource: string, other: CaptureState): void {
    this.commit(this.forget(resource))
    this.cursors.delete(resource)
    this.commit({
      resource,
      known: new Map(other.knownOf(resource)),
      ...(other.hasCursor(resource) ? { cursor: other.cursor(resource) } : {}),
    })
  }

  /** Forgets a resource entirely (`reset`): its cursor and every known key. */
  forget(resource: string): StateDelta {
    const known = new Map<KeyText, Known | null>([...this.knownOf(resource).keys()].map((k) => [k, null]))
    return { resource, known }
  }

  private setKnown(resource: string, text: KeyText, known: Known | null): void {
    let map = this.known.get(resource)
    if (map === undefined) this.known.set(resource, (map = new Map()))
    const index = this.scopeIndex[resource]
    const scope = index === undefined ? undefined : String(keyValues(text)[index])
    let scopes = index === undefined ? undefined : this.scopes.get(resource)
    if (index !== undefined && scopes === undefined) this.scopes.set(resource, (scopes = new Map()))
    if (known === null) {
      map.delete(text)
      if (scope !== undefined) scopes?.get(scope)?.delete(text)
      return
    }
    map.set(text, known)
    if (scope !== undefined && scopes !== undefined) {
      let set = scopes.get(scope)
      if (set === undefined) scopes.set(scope, (set = new Set()))
      set.add(text)
    }
  }
}

function decodeKnown(key: string, value: Buffer): Known {
  try {
    const parsed = JSON.parse(value.toString('utf8')) as { v?: number; f?: unknown } & Known
    if (parsed.v !== 1 || typeof parsed.f !== 'string') throw new Error(`unexpected shape`)
    return {
      f: parsed.f,
      ...(parsed.r === undefined ? {} : { r: parsed.r }),
      ...(parsed.i === undefined ? {} : { i: parsed.i }),
      ...(parsed.w === undefined ? {} : { w: parsed.w }),
    }
  } catch (error) {
    throw new StateError(`State entry ${key} cannot be read (${(error as Error).message})`)
  }
}

/** The state-topic records that make a delta durable; they ride in the same transaction as the events. */
export function stateRecords(topic: string, delta: StateDelta, at: number): OutgoingRecord[] {
  const out: OutgoingRecord[] = []
  for (const [text, known] of delta.known) {
    out.push({
      topic,
      key: Buffer.from(`${KNOWN}${delta.resource}/${text}`),
      value: known === null ? null : Buffer.from(JSON.stringify({ v: 1, ...known })),
      timestamp: at,
    })
  }
  if (delta.cursor !== undefined)
    out.push({
      topic,
      key: Buffer.from(`${CURSOR}${delta.resource}`),
      value: encodeCursor(delta.cursor),
      timestamp: at,
    })
  return out
}

/** A cursor tombstone: `reset` removes the resource's position. */
export function cursorTombstone(topic: string, resource: string, at: number): OutgoingRecord {
  return { topic, key: Buffer.from(`${CURSOR}${resource}`), value: null, timestamp: at }
}
