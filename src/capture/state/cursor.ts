// A resource's position, as it lives in the state topic: a versioned value with a forgiving
// reader (missing fields take defaults; an unknown version is refused rather than guessed at).
// The state-topic key is the resource (the partition identity); the cursor is only the value.
import { StateError } from '../../errors'
import { heldOf, type HeldDeletes, type HeldWave } from '../rules/delete-guard'

export interface CursorError {
  code: string
  message: string
  at: number
}

/** Records stamped later than Personio's own clock said when they were read. */
export interface StampedAhead {
  count: number
  /** the latest such stamp */
  maxMs: number
  /** when it was seen (our clock) */
  at: number
}

export interface Cursor {
  v: 1
  resource: string
  /**
   * Personio time (ms) up to which changes are covered: when the last read began by Personio's
   * clock, less a skew margin (never a record's stamp, which may lie in the future). The next
   * incremental read starts below it by the overlap.
   */
  changedAt?: number
  /** key of the record that carried `changedAt` (ties are re-read inclusively; fingerprints drop them) */
  lastKey?: string
  /** the first snapshot has completed */
  snapshotDone: boolean
  /** when the running snapshot began (Personio's clock): the incremental read continues from there */
  snapshotStartedAt?: number
  /** a snapshot stopped halfway resumes at this page position */
  snapshotResumeAt?: number | string
  /** when the running snapshot last committed a part (our clock): `status` tells running from paused */
  snapshotProgressAt?: number
  /** an operator asked for a re-snapshot (`personio-kafka resnapshot`) */
  resnapshot?: boolean
  /** Personio sends no change timestamps (e.g. `last_modified_at` not whitelisted): full listings */
  fullListing?: boolean
  lastReconcileAt?: number
  /** the last listing moved under the reader, or deletes are held: the next cycle lists everything */
  recheck?: boolean
  /** waves of deletes a listing found implausibly many of, waiting for a person or a later listing */
  heldDeletes?: HeldDeletes
  /** the last read saw records stamped ahead of Personio's clock */
  stampedAhead?: StampedAhead
  /**
   * custom attribute fields every record was last read with in full: a field missing here was
   * added since, and the next cycle reads everything to fill it (Personio does not bump
   * `last_modified_at` for a new attribute)
   */
  customFields?: string[]
  /** stages: parents whose last read decided nothing (a 404 while known, an empty answer): read again */
  pendingParents?: string[]
  /** stages: the last full refresh of every parent */
  lastRefreshAt?: number
  /**
   * resources followed by webhooks: Personio's events that occurred before this (ms, Personio's
   * clock) are in the inbox; the next gap fill reads the events endpoint from here
   */
  webhookAt?: number
  lastSuccessAt?: number
  /**
   * how far Personio's clock was ahead of ours (ms, negative when behind) at `lastSuccessAt`:
   * `status` reads the lag on Personio's clock from it (src/capture/state/lag.ts)
   */
  personioAheadMs?: number
  lastError?: CursorError
}

export function initialCursor(resource: string): Cursor {
  return { v: 1, resource, snapshotDone: false }
}

export function encodeCursor(cursor: Cursor): Buffer {
  return Buffer.from(JSON.stringify(cursor))
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

const keysIn = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((k) => typeof k === 'string') ? (v as string[]) : undefined

function waveIn(v: unknown): HeldWave | undefined {
  if (v === null || typeof v !== 'object') return undefined
  const w = v as Record<string, unknown>
  const count = num(w.count)
  const digest = str(w.digest)
  if (count === undefined || digest === undefined) return undefined
  const keys = keysIn(w.keys)
  const decision = w.decision === 'approved' || w.decision === 'rejected' ? w.decision : undefined
  return {
    since: num(w.since) ?? 0,
    count,
    ...(keys === undefined ? {} : { keys }),
    digest,
    ...(decision === undefined ? {} : { decision }),
    ...(w.unannounced === true ? { unannounced: true } : {}),
  }
}

/**
 * Held deletes: `{waves: [...]}` since waves keep their own first-seen time; the landed release
 * wrote one wave flat (`{count, keys?, digest, since}`), which reads as a wave of its own.
 */
function heldIn(v: unknown): HeldDeletes | undefined {
  if (v === null || typeof v !== 'object') return undefined
  const h = v as Record<string, unknown>
  const waves = Array.isArray(h.waves)
    ? h.waves.map(waveIn).filter((w): w is HeldWave => w !== undefined)
    : [waveIn(h)].filter((w): w is HeldWave => w !== undefined)
  return heldOf(waves, num(h.warnedAt))
}

function aheadOf(v: unknown): StampedAhead | undefined {
  if (v === null || typeof v !== 'object') return undefined
  const a = v as Record<string, unknown>
  const count = num(a.count)
  const maxMs = num(a.maxMs)
  return count === undefined || maxMs === undefined ? undefined : { count, maxMs, at: num(a.at) ?? 0 }
}

export function decodeCursor(resource: string, bytes: Buffer): Cursor {
  let raw: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'))
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object')
    raw = parsed as Record<string, unknown>
  } catch (error) {
    throw new StateError(
      `The cursor of ${resource} in the state topic is not JSON (${(error as Error).message})`,
    )
  }
  if (raw.v !== 1) {
    throw new StateError(
      `The cursor of ${resource} has version ${String(raw.v)}, which this release cannot read; ` +
        'run the release that wrote it, or `personio-kafka reset ' +
        resource +
        '` to start that resource over',
    )
  }
  const resume = raw.snapshotResumeAt
  const error = raw.lastError as Partial<CursorError> | undefined
  return {
    v: 1,
    resource,
    changedAt: num(raw.changedAt),
    lastKey: str(raw.lastKey),
    snapshotDone: raw.snapshotDone === true,
    snapshotStartedAt: num(raw.snapshotStartedAt),
    snapshotResumeAt: typeof resume === 'number' || typeof resume === 'string' ? resume : undefined,
    snapshotProgressAt: num(raw.snapshotProgressAt),
    resnapshot: raw.resnapshot === true ? true : undefined,
    fullListing: raw.fullListing === true ? true : undefined,
    lastReconcileAt: num(raw.lastReconcileAt),
    recheck: raw.recheck === true ? true : undefined,
    heldDeletes: heldIn(raw.heldDeletes),
    stampedAhead: aheadOf(raw.stampedAhead),
    customFields:
      Array.isArray(raw.customFields) && raw.customFields.every((f) => typeof f === 'string')
        ? (raw.customFields as string[])
        : undefined,
    pendingParents:
      Array.isArray(raw.pendingParents) && raw.pendingParents.every((p) => typeof p === 'string')
        ? (raw.pendingParents as string[])
        : undefined,
    lastRefreshAt: num(raw.lastRefreshAt),
    webhookAt: num(raw.webhookAt),
    lastSuccessAt: num(raw.lastSuccessAt),
    personioAheadMs: num(raw.personioAheadMs),
    lastError:
      error !== undefined && typeof error.message === 'string'
        ? { code: String(error.code ?? 'UNKNOWN'), message: error.message, at: num(error.at) ?? 0 }
        : undefined,
  }
}
