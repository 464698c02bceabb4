// Progress as written, with a fake clock: a live table redrawn in place on a terminal, log lines
// every interval elsewhere, nothing when off.
import { publish } from '../../../src/ops/channels'
import { inEngine } from '../../../src/ops/engine-scope'
import type { Logger } from '../../../src/ops/logger'
import { startProgress, type ProgressClock } from '../../../src/ops/progress'

function fakeClock() {
  let now = 0
  const timers: { ms: number; tick: () => void; next: number }[] = []
  const clock: ProgressClock = {
    now: () => now,
    every(ms, tick) {
      const t = { ms, tick, next: now + ms }
      timers.push(t)
      return () => timers.splice(timers.indexOf(t), 1)
    },
  }
  const advance = (ms: number) => {
    const until = now + ms
    for (;;) {
      const due = timers.filter((t) => t.next <= until).sort((a, b) => a.next - b.next)[0]
      if (due === undefined) break
      now = due.next
      due.next += due.ms
      due.tick()
    }
    now = until
  }
  return { clock, advance, timers }
}

interface Line {
  bindings: Record<string, unknown>
  level: string
  fields: Record<string, unknown>
  message: string
}

function fakeLogger(lines: Line[], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    lines.push({ bindings, level, fields, message })
  return {
    child: (b: Record<string, unknown>) => fakeLogger(lines, { ...bindings, ...b }),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
  } as unknown as Logger
}

const cycle = { resource: 'employees', cycleId: 'c0ffee01', kind: 'snapshot' as const }
const page = (items: number) =>
  publish('personio-kafka:capture:page', { resource: 'employees', cycleId: 'c0ffee01', items, total: 1000 })

describe('ops > progress', () => {
  it('logs one info line per running resource every interval, with resource and cycle id, then one at the end', () => {
    const { clock, advance } = fakeClock()
    const lines: Line[] = []
    const progress = startProgress({
      mode: 'log',
      logger: fakeLogger(lines),
      intervalMs: 5000,
      clock,
      stream: { isTTY: false, write: () => true },
    })
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'start' })
    advance(4999)
    expect(lines).toEqual([])
    page(100)
    advance(1)
    page(100)
    advance(5000)
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'end', durationMs: 12_000 })
    advance(20_000)
    progress.stop()
    expect(lines.map((l) => [l.level, l.bindings, l.message])).toEqual([
      [
        'info',
        { resource: 'employees', cycleId: 'c0ffee01' },
        'employees snapshot: 100/1000 records, 1 pages, 20.0 records/s, ETA 45s',
      ],
      [
        'info',
        { resource: 'employees', cycleId: 'c0ffee01' },
        'employees snapshot: 200/1000 records, 2 pages, 20.0 records/s, ETA 40s',
      ],
      [
        'info',
        { resource: 'employees', cycleId: 'c0ffee01' },
        'employees snapshot: 200/1000 records, 2 pages, 20.0 records/s, done in 10s',
      ],
    ])
  })

  it('logs a cycle that changed nothing at debug, so an idle day is quiet at info', () => {
    const { clock, advance } = fakeClock()
    const lines: Line[] = []
    const progress = startProgress({ mode: 'log', logger: fakeLogger(lines), intervalMs: 5000, clock })
    const poll = (cycleId: string, kind: 'incremental' | 'reconcile', events: number) => {
      publish('personio-kafka:capture:cycle', { resource: 'employees', cycleId, kind, phase: 'start' })
      publish('personio-kafka:capture:page', { resource: 'employees', cycleId, items: 3 })
      advance(6000) // a long full listing: its running line too
      if (events > 0)
        publish('personio-kafka:capture:events', { resource: 'employees', op: 'u', count: events })
      publish('personio-kafka:capture:cycle', { resource: 'employees', cycleId, kind, phase: 'end' })
    }
    poll('idle-1', 'incremental', 0)
    poll('idle-2', 'reconcile', 0)
    poll('busy-3', 'incremental', 2)
    progress.stop()
    expect(lines.map((l) => [l.bindings.cycleId, l.level])).toEqual([
      ['idle-1', 'debug'],
      ['idle-1', 'debug'],
      ['idle-2', 'debug'],
      ['idle-2', 'debug'],
      ['busy-3', 'debug'], // running, nothing published yet
      ['busy-3', 'info'],
    ])
  })

  it("names each engine's rows in its lines, also on the interval's tick outside any engine", () => {
    const { clock, advance } = fakeClock()
    const lines: Line[] = []
    const progress = startProgress({ mode: 'log', logger: fakeLogger(lines), intervalMs: 5000, clock })
    for (const engine of ['acme', 'globex'])
      inEngine(engine, () =>
        publish('personio-kafka:capture:cycle', { ...cycle, cycleId: engine, phase: 'start' }),
      )
    advance(5000)
    inEngine('globex', () =>
      publish('personio-kafka:capture:cycle', { ...cycle, cycleId: 'globex', phase: 'end' }),
    )
    progress.stop()
    expect(lines.map((l) => l.bindings)).toEqual([
      { engine: 'acme', resource: 'employees', cycleId: 'acme' },
      { engine: 'globex', resource: 'employees', cycleId: 'globex' },
      { engine: 'globex', resource: 'employees', cycleId: 'globex' },
    ])
  })

  it('logs a failed cycle as a warning', () => {
    const { clock } = fakeClock()
    const lines: Line[] = []
    const progress = startProgress({ mode: 'log', logger: fakeLogger(lines), clock })
    publish('personio-kafka:capture:cycle', { ...cycle, kind: 'incremental', phase: 'start' })
    publish('personio-kafka:capture:cycle', {
      ...cycle,
      kind: 'incremental',
      phase: 'error',
      error: { code: 'PK_AUTH', message: 'refused' },
    })
    progress.stop()
    expect(lines.map((l) => l.level)).toEqual(['warn'])
  })

  it('redraws the table in place on a terminal, throttled to the redraw interval', () => {
    const { clock, advance } = fakeClock()
    const out: string[] = []
    const progress = startProgress({
      mode: 'auto',
      logger: fakeLogger([]),
      redrawMs: 250,
      clock,
      stream: { isTTY: true, write: (s: string) => out.push(s) > 0 },
    })
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'start' })
    page(100)
    page(100)
    page(100)
    expect(out).toEqual([]) // three pages in one instant: no redraw storm
    advance(250)
    expect(out).toEqual([
      'resource    records  pages  rate/s  dead  state\nemployees  300/1000      3    1200     0  ETA 1s\n',
    ])
    advance(9750)
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'end' })
    progress.stop()
    // each redraw first moves the cursor up over the two lines drawn before and clears them
    expect(out.at(-1)).toBe(
      '\x1b[2F\x1b[Jresource    records  pages  rate/s  dead  state\nemployees  300/1000      3    30.0     0  done in 10s\n',
    )
    expect(out).toHaveLength(41)
  })

  it('writes nothing and listens to nothing when off', () => {
    const { clock, advance, timers } = fakeClock()
    const out: string[] = []
    const lines: Line[] = []
    const progress = startProgress({
      mode: 'off',
      logger: fakeLogger(lines),
      clock,
      stream: { isTTY: true, write: (s: string) => out.push(s) > 0 },
    })
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'start' })
    advance(60_000)
    progress.stop()
    expect({ out, lines, timers: timers.length }).toEqual({ out: [], lines: [], timers: 0 })
  })
})

describe('ops > progress > log lines on the same terminal', () => {
  it('erases the table before a log line and draws it again below on the next redraw', () => {
    const { clock, advance } = fakeClock()
    const out: string[] = []
    const stream = { isTTY: true, write: (s: string) => out.push(s) > 0 }
    const progress = startProgress({ mode: 'tty', logger: fakeLogger([]), redrawMs: 250, clock, stream })
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'start' })
    advance(250)
    progress.write('{"level":40,"msg":"personio retry"}\n')
    advance(250)
    progress.stop()
    expect(out.slice(1, 3)).toEqual([
      '\x1b[2F\x1b[J{"level":40,"msg":"personio retry"}\n',
      'resource   records  pages  rate/s  dead  state\nemployees        0      0     0.0     0  running\n',
    ])
  })
})
