// What `personio-kafka status` shows, from a restored state: per resource its cursor, when it last
// succeeded, how far behind Personio it is, how many keys it knows, and its last error. Pure.
import { resourceNames, resources, type ResourceName } from '../resources'
import type { Cursor } from './cursor'
import type { CaptureState } from './state'

export interface ResourceStatus {
  resource: ResourceName
  /**
   * not started; a snapshot committing parts now, or one paused (stopped or failing: the next run
   * resumes it where it committed); done
   */
  phase: 'not started' | 'snapshot running' | 'snapshot paused' | 'resnapshot requested' | 'capturing'
  changedAt?: string
  lagSeconds?: number
  lastSuccessAt?: string
  lastReconcileAt?: string
  lastRefreshAt?: string
  knownKeys: number
  fullListing: boolean
  /** deletes held until the next full listing confirms them */
  deletesHeld?: string
  /** the last read saw records stamped ahead of Personio's clock */
  stampedAhead?: string
  lastError?: string
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

/**
 * A running snapshot commits a part every few seconds (a transaction of TRANSACTION_MAX_RECORDS at
 * Personio's pace): one silent this long, or failed since its last part, is not running.
 */
export const SNAPSHOT_SILENT_MS = 10 * 60_000

function snapshotPhase(c: Cursor, now: number): ResourceStatus['phase'] {
  const progress = c.snapshotProgressAt
  const running =
    progress !== undefined &&
    now - progress < SNAPSHOT_SILENT_MS &&
    (c.lastError === undefined || c.lastError.at < progress)
  return running ? 'snapshot running' : 'snapshot paused'
}

export function statusOf(
  state: CaptureState,
  now: number,
  only: readonly ResourceName[] = resourceNames,
): ResourceStatus[] {
  return only.map((name) => {
    const c = state.cursor(name)
    const phase: ResourceStatus['phase'] = !state.hasCursor(name)
      ? 'not started'
      : c.resnapshot === true
        ? 'resnapshot requested'
        : !c.snapshotDone
          ? snapshotPhase(c, now)
          : 'capturing'
    const out: ResourceStatus = {
      resource: name,
      phase,
      knownKeys: state.knownOf(name).size,
      fullListing: c.fullListing === true,
    }
    if (c.changedAt !== undefined) {
      // changedAt is when the last read began (Personio's clock): the lag is how far capture is
      // behind, whether or not anything changed since
      out.changedAt = iso(c.changedAt)
      out.lagSeconds = Math.max(0, Math.round((now - c.changedAt) / 1000))
    }
    if (c.heldDeletes !== undefined)
      out.deletesHeld = `${c.heldDeletes.count} since ${iso(c.heldDeletes.since) ?? '?'}`
    if (c.stampedAhead !== undefined)
      out.stampedAhead = `${c.stampedAhead.count} record(s), latest ${iso(c.stampedAhead.maxMs) ?? '?'}`
    if (c.lastSuccessAt !== undefined) out.lastSuccessAt = iso(c.lastSuccessAt)
    if (c.lastReconcileAt !== undefined) out.lastReconcileAt = iso(c.lastReconcileAt)
    if (resources[name].stage !== undefined && c.lastRefreshAt !== undefined)
      out.lastRefreshAt = iso(c.lastRefreshAt)
    if (c.lastError !== undefined)
      out.lastError = `${iso(c.lastError.at) ?? ''} ${c.lastError.code}: ${c.lastError.message}`.trim()
    return out
  })
}

/** A table a person reads in a terminal. */
export function statusTable(rows: readonly ResourceStatus[]): string[] {
  const head = [
    'resource',
    'phase',
    'known keys',
    'changed up to',
    'lag',
    'last success',
    'deletes held',
    'stamped ahead',
    'last error',
  ]
  const body = rows.map((r) => [
    r.resource,
    r.phase + (r.fullListing ? ' (full listings)' : ''),
    String(r.knownKeys),
    r.changedAt ?? '-',
    r.lagSeconds === undefined ? '-' : humanSeconds(r.lagSeconds),
    r.lastSuccessAt ?? '-',
    r.deletesHeld ?? '-',
    r.stampedAhead ?? '-',
    r.lastError ?? '-',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(head), ...body.map(line)]
}

export function humanSeconds(s: number): string {
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.round(s / 60)}m`
  if (s < 172_800) return `${Math.round(s / 3600)}h`
  return `${Math.round(s / 86_400)}d`
}
