// The demo's terminal view: counts per topic and op, and the latest events as rows. Pure text from
// the events seen so far; the caller redraws it in place on a terminal or prints new rows elsewhere.
export interface SeenEvent {
  at: number
  topic: string
  op: string
  key: string
  summary: string
}

export class LiveTable {
  private readonly counts = new Map<string, Record<string, number>>()
  private readonly recent: SeenEvent[] = []

  constructor(private readonly keep = 12) {}

  add(event: SeenEvent): void {
    const row = this.counts.get(event.topic) ?? {}
    row[event.op] = (row[event.op] ?? 0) + 1
    this.counts.set(event.topic, row)
    this.recent.push(event)
    if (this.recent.length > this.keep) this.recent.shift()
  }

  render(note: string): string[] {
    const ops = ['r', 'c', 'u', 'd']
    const topics = [...this.counts.keys()].sort()
    const width = Math.max(5, ...topics.map((t) => t.length))
    const lines = [`${'topic'.padEnd(width)}  ${ops.map((o) => o.padStart(6)).join('')}`]
    for (const t of topics) {
      const row = this.counts.get(t) ?? {}
      lines.push(`${t.padEnd(width)}  ${ops.map((o) => String(row[o] ?? 0).padStart(6)).join('')}`)
    }
    lines.push('', 'latest events (op, topic, key: what changed)')
    for (const e of this.recent)
      lines.push(
        `  ${new Date(e.at).toISOString().slice(11, 19)}  ${e.op}  ${e.topic}  ${e.key}  ${e.summary}`.slice(
          0,
          160,
        ),
      )
    lines.push('', note)
    return lines
  }
}

/** A one-line summary of a decoded value: the fields a person recognises first. */
export function summarise(value: Record<string, unknown> | null): string {
  if (value === null) return '(tombstone: deleted)'
  const pick = ['first_name', 'last_name', 'position', 'name', 'status', 'start_date', 'balance', 'comment']
  return pick
    .filter((k) => value[k] !== undefined && value[k] !== null)
    .slice(0, 4)
    .map((k) => `${k}=${String(value[k])}`)
    .join(' ')
}
