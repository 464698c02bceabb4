// The demo on a terminal: a frame that fits the terminal it runs in (80×24 shows the title, how
// changes arrive, the narration and the counts), drawn again only when it changed, and values a
// person reads (a date, not Avro's day count).
import { valueSchema } from '../../../src/contract/schema-builder'
import { buildFrame, Screen, type FrameParts } from '../../../src/demo/frame'
import { LiveTable, shownAs, summarise } from '../../../src/demo/live-table'
import { resourceNames, resources } from '../../../src/resources'

/** What the demo shows after a busy minute: every resource counted, many long events, warnings. */
function busy(): FrameParts {
  const table = new LiveTable(50)
  for (let i = 0; i < 60; i++) {
    const topic = resourceNames[i % resourceNames.length] as string
    table.add({
      at: Date.UTC(2026, 11, 6, 12, 0, i),
      topic,
      op: 'u',
      key: `[${1000 + i}]`,
      summary: `first_name=Grace last_name=Hopper position=${'Head of People '.repeat(6)}#${i}`,
    })
  }
  return {
    title: 'personio-kafka demo — topics demo-20261206120000.* — Ctrl-C to stop',
    status: [
      `changes to employees, absences, attendances arrive through Personio webhooks at http://127.0.0.1:40123/personio (12 deliveries so far); the other resources are polled every 3 s`,
      'in the simulator: an employee is promoted (employees u)',
    ],
    counts: table.countLines(),
    events: table.eventLines(),
    logs: ['12:00:01.000 WARN absences: a warning '.repeat(4)],
  }
}

describe('demo > frame', () => {
  it('fits 80×24: title, webhook line, narration and every count on screen, then the newest events', () => {
    const parts = busy()
    const frame = buildFrame(parts, { rows: 24, columns: 80 })
    expect(frame.length).toBeLessThanOrEqual(23)
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(79)
    expect(frame[0]).toBe(parts.title)
    // how changes arrive and what the script did, every word: wrapped, not cut
    const status = parts.status.join(' ')
    expect(frame.slice(1, 1 + frame.indexOf('') - 1).join(' ')).toBe(status)
    for (const name of resourceNames) expect(frame.some((l) => l.startsWith(`${name} `))).toBe(true)
    // the newest event is on screen, and the warning
    expect(frame.some((l) => l.includes('[1059]'))).toBe(true)
    expect(frame.at(-1)).toMatch(/^12:00:01\.000 WARN absences/)
  })

  it('fits whatever size it is given, the title first', () => {
    for (const [rows, columns] of [
      [10, 40],
      [5, 200],
      [60, 120],
    ] as const) {
      const frame = buildFrame(busy(), { rows, columns })
      expect(frame.length).toBeLessThanOrEqual(rows - 1)
      for (const line of frame) expect(line.length).toBeLessThanOrEqual(columns - 1)
      expect(frame[0]?.startsWith('personio-kafka demo')).toBe(true)
    }
  })

  it('writes nothing when the frame is the one on screen, and the whole frame when it changed', () => {
    const written: string[] = []
    const screen = new Screen((text) => written.push(text))
    const frame = buildFrame(busy(), { rows: 24, columns: 80 })
    expect(screen.show(frame)).toBe(true)
    expect(screen.show([...frame])).toBe(false)
    expect(screen.show(frame)).toBe(false)
    expect(written).toHaveLength(1)
    expect(screen.show([...frame.slice(0, -1), 'a new warning'])).toBe(true)
    expect(written).toHaveLength(2)
    // drawn in place, without a newline at the end that would scroll the terminal
    expect(written[1]?.startsWith('\x1b[H\x1b[J')).toBe(true)
    expect(written[1]?.endsWith('a new warning')).toBe(true)
  })

  it('shows an Avro date as a date, not as its day count', () => {
    const absences = shownAs(valueSchema(resources.absences))
    expect(summarise({ status: 'approved', start_date: 20449 }, absences)).toBe(
      'status=approved start_date=2025-12-27',
    )
    expect(summarise(null, absences)).toBe('(tombstone: deleted)')
  })
})
