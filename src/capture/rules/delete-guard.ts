// Pure: which of a complete listing's deletes are published now, and which wait. Nothing Personio
// returns proves a delete; a key missing from a listing is only a candidate. A listing that would
// delete implausibly many (an empty answer, a truncated one, a credential that now sees fewer
// employees) holds them as a wave. For HR data a wave is not published by time alone: it waits
// for a person (`personio-kafka deletes approve|reject`), unless DELETE_GUARD_MODE says to publish
// once a later listing, DELETE_GUARD_HOLD_MS on, finds the same keys gone. Each key keeps the
// time it was first found gone: a second wave never inherits the first one's age.
import { createHash } from 'node:crypto'
import type { Resource, ResourceName } from '../../resources'
import type { KeyText } from '../state/keys'

export type DeleteGuardMode = 'approve' | 'hold-then-publish'

/** A person's word on a wave (`personio-kafka deletes approve|reject`); absent: it waits. */
export type WaveDecision = 'approved' | 'rejected'

/** Keys first found gone by the same listing. */
export interface HeldWave {
  /** when this listing found them gone (our clock) */
  since: number
  count: number
  /** the keys, while they fit comfortably in one state record; else only their digest */
  keys?: KeyText[]
  digest: string
  decision?: WaveDecision
  /** found missing by the listing of a resource webhooks follow: Personio announced none of them */
  unannounced?: boolean
}

/** Deletes waiting, kept in the cursor. `count` and `since` sum up the waves still undecided or approved. */
export interface HeldDeletes {
  count: number
  /** the oldest of those waves */
  since: number
  waves: HeldWave[]
  /** the last warning that a wave waits (our clock): at most one an hour */
  warnedAt?: number
}

/**
 * Past this many bytes of keys (all waves together) a new wave keeps only its digest: the cursor
 * rides in a transaction with other state records and must stay far below Kafka's default
 * message size (1 MB).
 */
export const MAX_HELD_KEY_BYTES = 256 * 1024

/**
 * Fewer records than this gone at once, and not all of a resource, are ordinary deletes whatever
 * the share: two of five absence types removed is housekeeping, not an outage.
 */
export const MIN_WAVE_RECORDS = 5

/** A wave that waits for a person is mentioned in the log at most this often. */
export const WAVE_REMINDER_MS = 3_600_000

export interface GuardPolicy {
  /** 0..1: more than this share of the known keys gone at once is a wave */
  share: number
  mode: DeleteGuardMode
  /** hold-then-publish: how long a wave waits at least before a later listing may publish it */
  holdMs: number
  /**
   * the resource is followed by webhooks, whose events announce every delete (an announced one is
   * published from the inbox, so it is no longer known here): whatever a listing still finds
   * missing went unannounced, and two such records are a wave
   */
  covered?: boolean
}

export interface DeleteDecision {
  publish: KeyText[]
  /** what waits (absent: nothing) */
  hold?: HeldDeletes
  /** this listing found a new wave: worth a warning */
  newWave?: HeldWave
  /** a wave still waits for a person and the last warning is an hour old: remind */
  remind?: boolean
  /** covered resources: records missing without an announcement, published anyway (too few for a wave) */
  unannounced?: number
}

/**
 * Whether every delete of a resource reaches us announced, so that a record its listing finds
 * missing is suspicious (GuardPolicy.covered): the resource follows webhooks, and so does every
 * parent whose delete takes its records along (a person's absences go with the person, announced
 * by `person.deleted` and cascaded). With the parent polled or not captured, a deleted person's
 * absences are found missing by the listing, unannounced and ordinary.
 */
export function announcesEveryDelete(
  resource: Pick<Resource, 'name' | 'removedWith'>,
  followed: (name: ResourceName) => boolean,
): boolean {
  return followed(resource.name) && (resource.removedWith ?? []).every((w) => followed(w.resource))
}

export const digestOf = (keys: readonly KeyText[]): string =>
  createHash('sha256')
    .update([...keys].sort().join('\n'))
    .digest('base64url')

const keyBytes = (keys: readonly KeyText[]) => keys.reduce((n, k) => n + Buffer.byteLength(k) + 3, 0)

export function waveOf(
  keys: readonly KeyText[],
  since: number,
  extra: Partial<HeldWave> = {},
  budget = MAX_HELD_KEY_BYTES,
): HeldWave {
  return {
    since,
    count: keys.length,
    ...(keyBytes(keys) <= budget ? { keys: [...keys] } : {}),
    digest: digestOf(keys),
    ...extra,
  }
}

/** The cursor's record of waves; undefined when none is left. */
export function heldOf(waves: readonly HeldWave[], warnedAt?: number): HeldDeletes | undefined {
  if (waves.length === 0) return undefined
  const pending = waves.filter((w) => w.decision !== 'rejected')
  return {
    count: pending.reduce((n, w) => n + w.count, 0),
    since: Math.min(...(pending.length > 0 ? pending : waves).map((w) => w.since)),
    waves: [...waves],
    ...(warnedAt === undefined ? {} : { warnedAt }),
  }
}

/** Records in waves that wait for a person (approve mode, no decision yet). */
export function awaitingApproval(held: HeldDeletes | undefined, mode: DeleteGuardMode): number {
  if (held === undefined || mode !== 'approve') return 0
  return held.waves.filter((w) => w.decision === undefined).reduce((n, w) => n + w.count, 0)
}

/** Whether the next cycle should be a full listing: a wave was approved, or has waited its time. */
export function heldDue(
  held: HeldDeletes | undefined,
  now: number,
  policy: Pick<GuardPolicy, 'mode' | 'holdMs'>,
): boolean {
  return (held?.waves ?? []).some((w) => due(w, now, policy))
}

/** A wave a listing that finds its records still missing publishes: approved, or waited out. */
const due = (w: HeldWave, now: number, policy: Pick<GuardPolicy, 'mode' | 'holdMs'>): boolean =>
  w.decision === 'approved' ||
  (w.decision === undefined && policy.mode === 'hold-then-publish' && now - w.since >= policy.holdMs)

/**
 * Implausibly many at once: all of a resource (an empty answer, at any size), or at least
 * MIN_WAVE_RECORDS and more than the share. Under webhooks, two unannounced are already a wave.
 */
export function isWave(
  gone: number,
  knownCount: number,
  policy: Pick<GuardPolicy, 'share' | 'covered'>,
): boolean {
  if (gone === 0) return false
  if (gone >= knownCount) return true
  if (policy.covered === true) return gone >= 2
  return gone >= MIN_WAVE_RECORDS && gone > policy.share * knownCount
}

/**
 * @param knownCount keys the state holds for the resource before this listing
 * @param gone known keys the listing did not return (already confirmed against shifts)
 * @param held what earlier listings held, and what a person decided about it
 */
export function decideDeletes(
  knownCount: number,
  gone: readonly KeyText[],
  held: HeldDeletes | undefined,
  policy: GuardPolicy,
  now: number,
): DeleteDecision {
  const goneSet = new Set(gone)
  const claimed = new Set<KeyText>()
  // Earlier waves keep the keys still gone (a key found again exists: it leaves its wave).
  const kept: HeldWave[] = []
  for (const w of held?.waves ?? []) {
    if (w.keys === undefined) continue
    const still = w.keys.filter((k) => goneSet.has(k) && !claimed.has(k))
    for (const k of still) claimed.add(k)
    if (still.length > 0) kept.push(still.length === w.count ? w : { ...waveOf(still, w.since), ...pick(w) })
  }
  let rest = gone.filter((k) => !claimed.has(k))
  // A wave kept only as a digest stands while exactly the same keys are gone; any change to that
  // set starts it over as a new wave (its time, and a person's decision, lapse: never early).
  const bare = (held?.waves ?? []).find(
    (w) => w.keys === undefined && w.count === rest.length && w.digest === digestOf(rest),
  )
  if (bare !== undefined) {
    kept.push(bare)
    rest = []
  }
  const publish: KeyText[] = []
  const waves: HeldWave[] = []
  for (const w of kept) {
    if (due(w, now, policy)) publish.push(...keysOf(w, gone, claimed))
    else waves.push(w)
  }
  const decision: DeleteDecision = { publish }
  if (isWave(rest.length, knownCount, policy)) {
    const budget = MAX_HELD_KEY_BYTES - waves.reduce((n, w) => n + keyBytes(w.keys ?? []), 0)
    const wave = waveOf(rest, now, policy.covered === true ? { unannounced: true } : {}, budget)
    waves.push(wave)
    decision.newWave = wave
  } else {
    publish.push(...rest)
    if (policy.covered === true && rest.length > 0) decision.unannounced = rest.length
  }
  // only a wave that waits for a person is worth a reminder; one waiting out its time is not
  const waiting = policy.mode === 'approve' && waves.some((w) => w.decision === undefined)
  const remind = decision.newWave === undefined && waiting && now - (held?.warnedAt ?? 0) >= WAVE_REMINDER_MS
  const warnedAt = decision.newWave !== undefined || remind ? now : waiting ? held?.warnedAt : undefined
  const hold = heldOf(waves, warnedAt)
  if (hold !== undefined) decision.hold = hold
  if (remind) decision.remind = true
  return decision
}

/** A wave's decision and origin, carried onto what is left of it. */
const pick = (w: HeldWave): Partial<HeldWave> => ({
  ...(w.decision === undefined ? {} : { decision: w.decision }),
  ...(w.unannounced === true ? { unannounced: true } : {}),
})

/** The keys of a kept wave: its own, or (a digest-only wave) the gone keys no other wave claims. */
const keysOf = (w: HeldWave, gone: readonly KeyText[], claimed: ReadonlySet<KeyText>): KeyText[] =>
  w.keys ?? gone.filter((k) => !claimed.has(k))

/** `status`'s one-cell summary: what waits and since when, and what a person decided. */
export function heldText(held: HeldDeletes): string | undefined {
  const sum = (d: WaveDecision) => held.waves.filter((w) => w.decision === d).reduce((n, w) => n + w.count, 0)
  const [approved, rejected] = [sum('approved'), sum('rejected')]
  const notes = [
    ...(approved > 0 ? [`${approved} approved`] : []),
    ...(rejected > 0 ? [`${rejected} rejected`] : []),
  ]
  // rejected waves alone are records kept as existing: nothing for `status` to flag
  if (held.count === 0) return undefined
  const head = `${held.count} since ${new Date(held.since).toISOString()}`
  return notes.length > 0 ? `${head} (${notes.join(', ')})` : head
}
