// One structured logger for the process (JSON on stderr, so stdout stays free for CLI output);
// components take a child (`logger.child({ resource })`). Secrets are redacted by path as a second
// line of defence: the code never passes tokens or secrets to the logger in the first place.
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import pino, { type Logger } from 'pino'
import type { LogLevel } from '../config'

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

function cycleMixin(_merge: object, _level: number, logger: Logger): object {
  const context = cycleContext.getStore()
  if (context === undefined) return {}
  // A child already bound to { resource, cycleId } must not print the keys twice.
  const bound = logger.bindings()
  return Object.fromEntries(Object.entries(context).filter(([key]) => !(key in bound)))
}

export function createLogger(
  level: LogLevel = 'info',
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino({ level, redact, base: { service: 'personio-kafka' }, mixin: cycleMixin }, destination)
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
