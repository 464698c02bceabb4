// A resource's position, as it lives in the state topic: a versioned value with a forgiving
// reader (missing fields take defaults; an unknown version is refused rather than guessed at).
// The state-topic key is the resource (the partition identity); the cursor is only the value.
import { StateError } from '../errors'

export interface CursorError {
  code: string
  message: string
  at: number
}

export interface Cursor {
  v: 1
  resource: string
  /** Personio change time (ms) covered by the last complete read; the next one starts below it by the overlap */
  changedAt?: number
  /** key of the record that carried `changedAt` (ties are re-read inclusively; fingerprints drop them) */
  lastKey?: string
  /** the first snapshot has completed */
  snapshotDone: boolean
  /** when the running snapshot began (our clock): the incremental read continues from there */
  snapshotStartedAt?: number
  /** a snapshot stopped halfway resumes at this page position */
  snapshotResumeAt?: number | string
  /** an operator asked for a re-snapshot (`personio-kafka resnapshot`) */
  resnapshot?: boolean
  /** Personio sends no change timestamps (e.g. `last_modified_at` not whitelisted): full listings */
  fullListing?: boolean
  lastReconcileAt?: number
  /** stages: the last full refresh of every parent */
  lastRefreshAt?: number
  lastSuccessAt?: number
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
    resnapshot: raw.resnapshot === true ? true : undefined,
    fullListing: raw.fullListing === true ? true : undefined,
    lastReconcileAt: num(raw.lastReconcileAt),
    lastRefreshAt: num(raw.lastRefreshAt),
    lastSuccessAt: num(raw.lastSuccessAt),
    lastError:
      error !== undefined && typeof error.message === 'string'
        ? { code: String(error.code ?? 'UNKNOWN'), message: error.message, at: num(error.at) ?? 0 }
        : undefined,
  }
}
