// What `personio-kafka status` shows, from a restored state: per resource its cursor, when it last
// succeeded, how far behind Personio it is, how many keys it knows, and its last error. Pure.
import { humanDuration } from '../../ops/duration'
import { resourceNames, resources, type ResourceName } from '../../resources'
import type { Cursor } from '../state/cursor'
import { heldText } from '../rules/delete-guard'
import { lagSeconds, personioNowFor } from '../state/lag'
import type { CaptureState } from '../state/state'
import type { IncomingRecord } from '../../kafka/port'
import { inboxWorkOf } from '../sources/webhook/inbox-apply'

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
  /** deletes held as waves (`personio-kafka deletes list`): how many since when, and what a person decided */
  deletesHeld?: string
  /** the last read saw records stamped ahead of Personio's clock */
  stampedAhead?: string
  /** webhook events in the inbox not applied yet (a resource following webhooks) */
  inbox?: InboxStatus
  lastError?: string
}

export interface InboxStatus {
  events: number
  /** distinct records they name: what reading them by id would cost */
  entities: number
  /** from the oldest one's occurred_at (Personio's clock) */
  oldestSeconds?: number
}

/**
 * A resource's inbox backlog from the records its consumer group has not committed past. `behind`
 * counts every resource's records; those read (all, unless there were very many) say which are
 * this resource's and what they name.
 */
export function inboxStatusOf(
  resource: ResourceName,
  unread: readonly IncomingRecord[],
  now: number,
): InboxStatus {
  const work = inboxWorkOf(resources[resource], unread)
  return {
    events: work.events,
    entities: work.entities.size,
    ...(work.oldest === undefined
      ? {}
      : { oldestSeconds: Math.max(0, Math.round((now - work.oldest) / 1000)) }),
  }
}

/** `3000 events, 500 records, oldest 40s` */
export const inboxText = (i: InboxStatus): string =>
  `${i.events} events, ${i.entities} records${i.oldestSeconds === undefined ? '' : `, oldest ${humanDuration(i.oldestSeconds * 1000)}`}`

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

/**
 * The resources `status` shows unless told which: those the configuration captures, and any other
 * the state topic holds a cursor for (captured once, since dropped from the list: its topic is still
 * there). A resource never meant to be captured is not a "not started" row. In resource order.
 */
export function shownResources(state: CaptureState, captured: readonly string[]): ResourceName[] {
  return resourceNames.filter((name) => captured.includes(name) || state.hasCursor(name))
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
      // behind Personio's now, whether or not anything changed since
      out.changedAt = iso(c.changedAt)
      out.lagSeconds = Math.round(lagSeconds(c.changedAt, personioNowFor(c, now)))
    }
    const held = c.heldDeletes === undefined ? undefined : heldText(c.heldDeletes)
    if (held !== undefined) out.deletesHeld = held
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

export interface TableOptions {
  /** every column in full, however wide (`status --wide`) */
  wide?: boolean
  /** columns the narrow table fits in */
  columns?: number
  /** our clock, for "ago" */
  now: number
}

/** A table a person reads in a terminal: fits `columns` (100) unless wide. */
export function statusTable(rows: readonly ResourceStatus[], o: TableOptions): string[] {
  return o.wide === true ? wideTable(rows) : narrowTable(rows, o.columns ?? 100, o.now)
}

const dash = (v: string | undefined) => v ?? '-'
const lagCell = (r: ResourceStatus) => (r.lagSeconds === undefined ? '-' : humanDuration(r.lagSeconds * 1000))

function wideTable(rows: readonly ResourceStatus[]): string[] {
  const head = [
    'resource',
    'phase',
    'known keys',
    'changed up to',
    'lag',
    'last success',
    'deletes held',
    'stamped ahead',
    'inbox',
    'last error',
  ]
  const body = rows.map((r) => [
    r.resource,
    r.phase + (r.fullListing ? ' (full listings)' : ''),
    String(r.knownKeys),
    dash(r.changedAt),
    lagCell(r),
    dash(r.lastSuccessAt),
    dash(r.deletesHeld),
    dash(r.stampedAhead),
    r.inbox === undefined ? '-' : inboxText(r.inbox),
    dash(r.lastError),
  ])
  return align([head, ...body])
}

/**
 * The columns a person scans first; whatever needs attention (an error, held deletes, records
 * stamped ahead, full listings) goes into one notes column cut to the width left. The times and
 * the rest are in `--wide` and `--json`.
 */
function narrowTable(rows: readonly ResourceStatus[], columns: number, now: number): string[] {
  const head = ['resource', 'phase', 'keys', 'lag', 'last success', 'notes']
  const body = rows.map((r) => [
    r.resource,
    r.phase,
    String(r.knownKeys),
    lagCell(r),
    r.lastSuccessAt === undefined ? '-' : `${humanDuration(now - Date.parse(r.lastSuccessAt))} ago`,
    notes(r),
  ])
  const fixed = head
    .slice(0, -1)
    .map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)))
  const room = Math.max('notes'.length, columns - fixed.reduce((a, w) => a + w + GAP.length, 0))
  return align([head, ...body.map((row) => [...row.slice(0, -1), cut(row.at(-1) ?? '', room)])])
}

function notes(r: ResourceStatus): string {
  const out: string[] = []
  // the time of the error is in --wide; here, what it says
  if (r.lastError !== undefined) out.push(`error ${r.lastError.replace(/^\S+Z /, '')}`)
  if (r.deletesHeld !== undefined) out.push(`deletes held: ${r.deletesHeld.split(' ')[0] ?? ''}`)
  if (r.stampedAhead !== undefined) out.push(`stamped ahead: ${r.stampedAhead.split(' ')[0] ?? ''}`)
  if (r.inbox !== undefined && r.inbox.events > 0) out.push(`inbox: ${inboxText(r.inbox)}`)
  if (r.fullListing) out.push('full listings (no change stamps)')
  return out.length === 0 ? '-' : out.join('; ')
}

const GAP = '  '

const cut = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`)

function align(table: readonly string[][]): string[] {
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)))
  return table.map((cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(GAP)
      .trimEnd(),
  )
}
