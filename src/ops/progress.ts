// Shows long work while it happens (issue #10: a 1,000-employee snapshot printed nothing for
// 205 s). Listens to the capture channels only; capture/ never knows whether anyone watches.
// On a terminal: a live table redrawn in place, at most a few times a second. Elsewhere: one log
// line per running resource every interval, and one when a resource finishes (info, or debug for a
// cycle that changed nothing).
import type { ProgressMode } from '../config'
import { subscribe } from './channels'
import { engineLabel } from './engine-scope'
import type { Logger } from './logger'
import { ProgressBoard, formatLogLine, formatTable, type ResourceProgress } from './progress-format'

export interface ProgressClock {
  now(): number
  /** calls `tick` every `ms` until the returned function is called */
  every(ms: number, tick: () => void): () => void
}

export const realClock: ProgressClock = {
  now: Date.now,
  every(ms, tick) {
    const timer = setInterval(tick, ms)
    timer.unref() // progress must never keep a finished command alive
    return () => clearInterval(timer)
  },
}

export interface ProgressOptions {
  mode: ProgressMode
  logger: Logger
  /** where the live table goes (stderr, like the logs: stdout stays the command's output) */
  stream?: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>
  /** log mode: ms between progress lines */
  intervalMs?: number
  /** tty mode: ms between redraws */
  redrawMs?: number
  clock?: ProgressClock
}

export interface Progress {
  /** Final redraw (tty), then stops listening. */
  stop(): void
  /**
   * Writes a log line to the progress stream without tearing the live table: the table steps
   * aside (erased), the line is written, and the next redraw puts the table back below it. Use it
   * as the logger's destination when the table is on the same terminal as the logs.
   */
  write(line: string): void
}

export function resolveProgressMode(
  mode: ProgressMode,
  stream: Pick<NodeJS.WriteStream, 'isTTY'>,
): 'tty' | 'log' | 'off' {
  if (mode !== 'auto') return mode
  return stream.isTTY === true ? 'tty' : 'log'
}

/**
 * A quiet day is a few lines at info: a cycle that has published nothing (an idle poll, a full
 * listing that found no change) is progress only at debug. A snapshot is watched, so always info;
 * a failure is a warning.
 */
export function logLevelOf(row: ResourceProgress): 'warn' | 'info' | 'debug' {
  if (row.status === 'failed') return 'warn'
  const idle = row.kind !== 'snapshot' && row.published === 0 && row.deadLettered === 0
  return idle ? 'debug' : 'info'
}

// Cursor to the start of the line `n` lines up, then clear to the end of the screen.
const rewind = (n: number): string => (n > 0 ? `\x1b[${n}F\x1b[J` : '')

export function startProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr
  const clock = o.clock ?? realClock
  const mode = resolveProgressMode(o.mode, stream)
  if (mode === 'off') return { stop: () => undefined, write: (line) => void stream.write(line) }
  const board = new ProgressBoard()
  let drawn = 0
  let dirty = false

  const draw = () => {
    const rows = board.all()
    if (rows.length === 0) return
    const lines = formatTable(rows, clock.now())
    stream.write(`${rewind(drawn)}${lines.join('\n')}\n`)
    drawn = lines.length
    dirty = false
  }
  const logRow = (row: ResourceProgress) => {
    const { message, fields } = formatLogLine(row, clock.now())
    // the tick runs outside any engine's scope: the row names its engine itself
    const bindings = { ...engineLabel(row.engine), resource: row.resource, cycleId: row.cycleId }
    o.logger.child(bindings)[logLevelOf(row)](fields, message)
  }

  const offs = [
    subscribe('personio-kafka:capture:cycle', (m) => {
      const row = board.cycle(m, clock.now())
      dirty = true
      if (mode === 'log' && row !== undefined && row.status !== 'running') logRow(row)
    }),
    subscribe('personio-kafka:capture:page', (m) => {
      board.page(m)
      dirty = true
    }),
    subscribe('personio-kafka:capture:events', (m) => board.events(m)),
    subscribe('personio-kafka:capture:dead-letter', (m) => board.deadLetters(m)),
  ]
  const tick =
    mode === 'tty'
      ? () => {
          // Rates and ETAs move with time, so a running resource is redrawn even without news.
          if (dirty || board.running().length > 0) draw()
        }
      : () => board.running().forEach((row) => logRow(row))
  const cancel = clock.every(mode === 'tty' ? (o.redrawMs ?? 250) : (o.intervalMs ?? 5000), tick)

  return {
    stop() {
      cancel()
      offs.forEach((off) => off())
      if (mode === 'tty') draw()
    },
    write(line) {
      stream.write(`${rewind(drawn)}${line}`)
      if (drawn > 0) dirty = true
      drawn = 0
    },
  }
}
