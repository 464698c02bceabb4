// One structured logger for the process, on stderr so stdout stays free for CLI output; components
// take a child (`logger.child({ resource })`). JSON for machines, or one readable line per event
// for a person at a terminal (LOG_FORMAT, log-format.ts). Secrets are redacted by path as a second
// line of defence: the code never passes tokens or secrets to the logger in the first place.
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import pino, { type Logger } from 'pino'
import type { LogFormat, LogLevel } from '../config'
import { companyLabel, currentEngine } from './engine-scope'
import { prettyLine, resolveLogFormat } from './log-format'

export type { Logger }

const redact = {
  paths: [
    'token',
    '*.token',
    'authorization',
    '*.authorization',
    'headers.authorization',
    '*.headers.authorization',
    'clientSecret',
    '*.clientSecret',
    'password',
    '*.password',
  ],
  censor: '***',
}

export interface CycleContext {
  resource: string
  cycleId: string
}

// Lines logged anywhere inside a capture cycle (the Personio client's retries, kafkajs) carry the
// cycle's resource and id without the cycle handing its logger down to every layer.
const cycleContext = new AsyncLocalStorage<CycleContext>()

/** Runs `fn` (and everything it starts asynchronously) as part of one capture cycle. */
export function inCycle<T>(context: CycleContext, fn: () => T): T {
  return cycleContext.run(context, fn)
}

// Lines logged inside an engine's scope (./engine-scope) carry `company` (an engine is a company), so the lines of two
// companies captured by one process can be told apart. Not the default engine's: an operator of one
// company would read the same word on every line and learn nothing from it.
function scopeMixin(_merge: object, _level: number, logger: Logger): object {
  const engine = companyLabel(currentEngine())
  const cycle = cycleContext.getStore()
  if (engine.company === undefined && cycle === undefined) return {}
  const context = { ...engine, ...cycle }
  // A child already bound to { company, resource, cycleId } must not print the keys twice.
  const bound = logger.bindings()
  return Object.fromEntries(Object.entries(context).filter(([key]) => !(key in bound)))
}

export interface LogSettings {
  level: LogLevel
  format?: LogFormat
}

/** Where lines go; `isTTY` says whether a person reads them there (decides LOG_FORMAT=auto). */
export type LogDestination = pino.DestinationStream & { isTTY?: boolean }

/**
 * @param settings `config.log`, or a level alone (JSON unless the destination is a terminal)
 * @param destination stderr by default; the progress display's `write` while its table is shown,
 *   so lines appear above the table instead of inside it
 */
export function createLogger(
  settings: LogLevel | LogSettings = 'info',
  destination: LogDestination = stderr(),
): Logger {
  const { level, format = 'auto' } = typeof settings === 'string' ? { level: settings } : settings
  const out: pino.DestinationStream =
    resolveLogFormat(format, destination) === 'pretty' ? prettyDestination(destination) : destination
  return pino({ level, redact, base: { service: 'personio-kafka' }, mixin: scopeMixin }, out)
}

function stderr(): LogDestination {
  return Object.assign(pino.destination(2), { isTTY: process.stderr.isTTY === true })
}

/** pino writes each finished JSON line here; it goes on as its readable form. */
function prettyDestination(destination: pino.DestinationStream): pino.DestinationStream {
  return { write: (line: string) => destination.write(prettyLine(line)) }
}

/** For tests and library use: drops everything. */
export const silentLogger: Logger = pino({ level: 'silent' })

/** A short id for one capture cycle; log lines, progress and errors of that cycle carry it. */
export function newCycleId(): string {
  return randomBytes(4).toString('hex')
}

/** The logger of one capture cycle: every line says which resource and which cycle. */
export function cycleLogger(logger: Logger, resource: string, cycleId: string): Logger {
  return logger.child({ resource, cycleId })
}
