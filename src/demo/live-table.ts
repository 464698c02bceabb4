// What the demo has seen so far: counts per resource and op, and the latest events as rows. Pure
// text from the events; frame.ts fits it to a terminal, the demo prints it plainly elsewhere.
import type { AvroRecordSchema } from '../contract/schema-builder'

export interface SeenEvent {
  at: number
  /** the resource (its topic without the demo's prefix) */
  topic: string
  op: string
  key: string
  summary: string
}

const OPS = ['r', 'c', 'u', 'd'] as const

export class LiveTable {
  private readonly counts = new Map<string, Record<string, number>>()
  private readonly recent: SeenEvent[] = []

  constructor(private readonly keep = 12) {}

  add(event: SeenEvent): void {
    const row = this.counts.get(event.topic) ?? {}
    row[event.op] = (row[event.op] ?? 0) + 1
    this.counts.set(event.topic, row)
    if (this.keep === 0) return
    this.recent.push(event)
    if (this.recent.length > this.keep) this.recent.shift()
  }

  /** A header and one row per resource: how many events of each op arrived. */
  countLines(): string[] {
    const topics = [...this.counts.keys()].sort()
    const width = Math.max('resource'.length, ...topics.map((t) => t.length))
    const lines = [`${'resource'.padEnd(width)}  ${OPS.map((o) => o.padStart(6)).join('')}`]
    for (const t of topics) {
      const row = this.counts.get(t) ?? {}
      lines.push(`${t.padEnd(width)}  ${OPS.map((o) => String(row[o] ?? 0).padStart(6)).join('')}`)
    }
    return lines
  }

  /** The latest events, oldest first: time, op, resource, key and what a person recognises. */
  eventLines(): string[] {
    return this.recent.map(
      (e) => `${new Date(e.at).toISOString().slice(11, 19)}  ${e.op}  ${e.topic}  ${e.key}  ${e.summary}`,
    )
  }
}

/** How a field's value is shown: a day count as a date, epoch ms as an instant. */
export type Shown = 'date' | 'timestamp'

/** The fields of a value schema whose numbers are dates or instants (Avro logical types). */
export function shownAs(schema: AvroRecordSchema): Map<string, Shown> {
  const out = new Map<string, Shown>()
  for (const field of schema.fields) {
    const types: unknown[] = Array.isArray(field.type) ? field.type : [field.type]
    for (const t of types) {
      const logical =
        typeof t === 'object' && t !== null ? (t as { logicalType?: unknown }).logicalType : undefined
      if (logical === 'date') out.set(field.name, 'date')
      if (logical === 'timestamp-millis') out.set(field.name, 'timestamp')
    }
  }
  return out
}

const DAY = 86_400_000

function show(value: unknown, as: Shown | undefined): string {
  if (typeof value === 'number' && as === 'date') return new Date(value * DAY).toISOString().slice(0, 10)
  if (typeof value === 'number' && as === 'timestamp')
    return new Date(value).toISOString().replace(/\.000Z$/, 'Z')
  return String(value)
}

/** A one-line summary of a decoded value: the fields a person recognises first. */
export function summarise(
  value: Record<string, unknown> | null,
  shown: ReadonlyMap<string, Shown> = new Map(),
): string {
  if (value === null) return '(tombstone: deleted)'
  const pick = [
    'first_name',
    'last_name',
    'position',
    'name',
    'status',
    'start_date',
    'balance',
    'available_balance',
    'comment',
  ]
  return pick
    .filter((k) => value[k] !== undefined && value[k] !== null)
    .slice(0, 4)
    .map((k) => `${k}=${show(value[k], shown.get(k))}`)
    .join(' ')
}
