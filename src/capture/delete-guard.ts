// Pure: which of a complete listing's deletes are published now, and which wait. Nothing Personio
// returns proves a delete; a key missing from a listing is only a candidate. A listing that would
// delete more than a share of what is known (an empty answer, a truncated one, a credential that
// now sees fewer employees) holds those deletes until the next full listing finds the same keys
// gone. A held delete is published a cycle late, never wrong.
import { createHash } from 'node:crypto'
import type { KeyText } from './state'

/** Deletes waiting for a second listing, kept in the cursor. */
export interface HeldDeletes {
  count: number
  /** the keys, while they fit comfortably in one state record; else only their digest */
  keys?: KeyText[]
  digest: string
  /** when they were first held (our clock) */
  since: number
}

/**
 * Past this many bytes of keys only the digest is kept: the cursor rides in a transaction with
 * other state records and must stay far below Kafka's default message size (1 MB).
 */
export const MAX_HELD_KEY_BYTES = 256 * 1024

export interface DeleteDecision {
  publish: KeyText[]
  /** deletes that wait for the next full listing (absent: nothing waits) */
  hold?: HeldDeletes
}

export const digestOf = (keys: readonly KeyText[]): string =>
  createHash('sha256')
    .update([...keys].sort().join('\n'))
    .digest('base64url')

export function heldOf(keys: readonly KeyText[], since: number): HeldDeletes {
  const bytes = keys.reduce((n, k) => n + Buffer.byteLength(k) + 3, 0)
  return {
    count: keys.length,
    ...(bytes <= MAX_HELD_KEY_BYTES ? { keys: [...keys] } : {}),
    digest: digestOf(keys),
    since,
  }
}

/**
 * @param knownCount keys the state holds for the resource before this listing
 * @param gone known keys the listing did not return (already confirmed against shifts)
 * @param held what an earlier listing held
 * @param share 0..1: more than this share of known keys gone at once is held
 * @param holdMs how long held deletes wait at least before a listing may confirm them
 */
export function decideDeletes(
  knownCount: number,
  gone: readonly KeyText[],
  held: HeldDeletes | undefined,
  share: number,
  now: number,
  holdMs = 0,
): DeleteDecision {
  let confirmed: KeyText[] = []
  let fresh: KeyText[] = [...gone]
  if (held?.keys !== undefined) {
    const waiting = new Set(held.keys)
    confirmed = gone.filter((k) => waiting.has(k))
    fresh = gone.filter((k) => !waiting.has(k))
  } else if (held !== undefined && gone.length === held.count && digestOf(gone) === held.digest) {
    confirmed = fresh
    fresh = []
  }
  // Everything gone at once is implausible at any size; otherwise more than the share, and more
  // than one key (one delete among few records is ordinary).
  const massive =
    fresh.length > 0 &&
    (fresh.length === knownCount || (fresh.length > 1 && fresh.length > share * knownCount))
  const young = held !== undefined && now - held.since < holdMs
  if (!massive && !(young && confirmed.length > 0)) return { publish: [...confirmed, ...fresh] }
  if (!massive) return { publish: fresh, hold: heldOf(confirmed, held?.since ?? now) } // still waiting
  if (young || confirmed.length === 0) {
    // more gone than the share: all of it waits (the part held already, since it was first held)
    return {
      publish: [],
      hold: heldOf([...confirmed, ...fresh], confirmed.length === 0 ? now : (held?.since ?? now)),
    }
  }
  return { publish: confirmed, hold: heldOf(fresh, now) }
}
