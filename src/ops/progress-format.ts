// Progress as data and text, without I/O: a board folds capture channel messages into one row per
// resource, and pure functions turn rows into a terminal table or a log line. progress.ts does the
// writing and the timing, so everything here is tested with plain values and a number for `now`.
import type { ChannelMessages, CycleKind } from './channels'
import { engineLabel, engineOf } from './engine-scope'

type Cycle = ChannelMessages['personio-kafka:capture:cycle']
type PageRead = ChannelMessages['personio-kafka:capture:page']
type Events = ChannelMessages['personio-kafka:capture:events']
type DeadLetters = ChannelMessages['personio-kafka:capture:dead-letter']

// Two engines capture resources of the same names: a row is one engine's resource.
const rowKey = (m: { engine?: string; resource: string }) => JSON.stringify([engineOf(m), m.resource])

export interface ResourceProgress {
  /** the engine the resource belongs to; absent for the default engine */
  engine?: string
  resource: string
  cycleId: string
  kind: CycleKind
  status: 'running' | 'done' | 'failed'
  startedAt: number
  endedAt?: number
  /** Personio items read (pages' items), whether they became events or dead letters */
  records: number
  pages: number
  /** what the listing holds, when Personio says (the latest page's figure) */
  total?: number
  published: number
  deadLettered: number
  error?: string
}

/** Folds channel messages into the latest cycle of each resource, in arrival order. */
export class ProgressBoard {
  private readonly rows = new Map<string, ResourceProgress>()

  cycle(m: Cycle, now: number): ResourceProgress | undefined {
    if (m.phase === 'start') {
      const row: ResourceProgress = {
        ...engineLabel(m.engine),
        resource: m.resource,
        cycleId: m.cycleId,
        kind: m.kind,
        status: 'running',
        startedAt: now,
        records: 0,
        pages: 0,
        published: 0,
        deadLettered: 0,
      }
      this.rows.delete(rowKey(m)) // re-insert: the table lists resources in the order they started
      this.rows.set(rowKey(m), row)
      return row
    }
    const row = this.rows.get(rowKey(m))
    if (row === undefined || row.cycleId !== m.cycleId) return undefined
    row.status = m.phase === 'end' ? 'done' : 'failed'
    row.endedAt = now
    if (m.error !== undefined) row.error = `${m.error.code}: ${m.error.message}`
    return row
  }

  page(m: PageRead): void {
    const row = this.rows.get(rowKey(m))
    if (row === undefined || row.cycleId !== m.cycleId) return
    row.pages += 1
    row.records += m.items
    if (m.total !== undefined) row.total = m.total
  }

  events(m: Events): void {
    const row = this.rows.get(rowKey(m))
    if (row !== undefined && row.status === 'running') row.published += m.count
  }

  deadLetters(m: DeadLetters): void {
    const row = this.rows.get(rowKey(m))
    if (row !== undefined && row.status === 'running') row.deadLettered += m.count
  }

  all(): ResourceProgress[] {
    return [...this.rows.values()]
  }

  running(): ResourceProgress[] {
    return this.all().filter((r) => r.status === 'running')
  }
}

export interface ProgressFigures {
  elapsedSeconds: number
  /** records per second over the whole cycle so far (steadier than the last page's rate) */
  rate: number
  /** seconds left at the current rate; only when the total is known and the rate positive */
  etaSeconds?: number
}

export function figures(row: ResourceProgress, now: number): ProgressFigures {
  const elapsedSeconds = Math.max(0, ((row.endedAt ?? now) - row.startedAt) / 1000)
  const rate = elapsedSeconds > 0 ? row.records / elapsedSeconds : 0
  const left = row.total === undefined ? undefined : Math.max(0, row.total - row.records)
  const etaSeconds =
    row.status !== 'running' || left === undefined || rate <= 0 ? undefined : Math.ceil(left / rate)
  return etaSeconds === undefined ? { elapsedSeconds, rate } : { elapsedSeconds, rate, etaSeconds }
}

/** 7s, 3m05s, 1h02m: short enough for a table cell, exact enough for an operator. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

const formatRate = (rate: number): string => (rate >= 100 ? rate.toFixed(0) : rate.toFixed(1))

const recordsText = (row: ResourceProgress): string =>
  row.total === undefined ? String(row.records) : `${row.records}/${row.total}`

function state(row: ResourceProgress, f: ProgressFigures): string {
  if (row.status === 'done') return `done in ${formatDuration(f.elapsedSeconds)}`
  if (row.status === 'failed') return 'failed'
  return f.etaSeconds === undefined ? 'running' : `ETA ${formatDuration(f.etaSeconds)}`
}

const COLUMNS = ['resource', 'records', 'pages', 'rate/s', 'dead', 'state'] as const

/** The live terminal table: one line per resource, columns padded to the widest cell. */
export function formatTable(rows: readonly ResourceProgress[], now: number): string[] {
  const cells = rows.map((row) => {
    const f = figures(row, now)
    return [
      row.engine === undefined ? row.resource : `${row.engine}/${row.resource}`,
      recordsText(row),
      String(row.pages),
      formatRate(f.rate),
      String(row.deadLettered),
      state(row, f),
    ]
  })
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  const line = (c: readonly string[]) =>
    c
      .map((text, i) =>
        i === 0 || i === c.length - 1 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd()
  return [line(COLUMNS), ...cells.map(line)]
}

/** One log line with the same facts, for logs that are read later rather than watched. */
export function formatLogLine(
  row: ResourceProgress,
  now: number,
): { message: string; fields: Record<string, unknown> } {
  const f = figures(row, now)
  const fields: Record<string, unknown> = {
    kind: row.kind,
    records: row.records,
    pages: row.pages,
    published: row.published,
    deadLettered: row.deadLettered,
    ratePerSec: Number(formatRate(f.rate)),
    elapsedSeconds: Math.round(f.elapsedSeconds),
  }
  if (row.total !== undefined) fields.total = row.total
  if (f.etaSeconds !== undefined) fields.etaSeconds = f.etaSeconds
  const dead = row.deadLettered > 0 ? `, ${row.deadLettered} dead-lettered` : ''
  const message = `${row.resource} ${row.kind}: ${recordsText(row)} records, ${row.pages} pages${dead}, ${formatRate(f.rate)} records/s, ${state(row, f)}`
  return { message, fields }
}
