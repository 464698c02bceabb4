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

/** Past this many keys only the digest is kept: a cursor stays far below Kafka's message size. */
export const MAX_HELD_KEYS = 20_000

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
  return {
    count: keys.length,
    ...(keys.length <= MAX_HELD_KEYS ? { keys: [...keys] } : {}),
    digest: digestOf(keys),
    since,
  }
}

/**
 * @param knownCount keys the state holds for the resource before this listing
 * @param gone known keys the listing did not return (already confirmed against shifts)
 * @param held what an earlier listing held
 * @param share 0..1: more than this share of known keys gone at once is held
 */
export function decideDeletes(
  knownCount: number,
  gone: readonly KeyText[],
  held: HeldDeletes | undefined,
  share: number,
  now: number,
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
  return massive ? { publish: confirmed, hold: heldOf(fresh, now) } : { publish: [...confirmed, ...fresh] }
}
