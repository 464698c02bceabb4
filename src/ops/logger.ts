// One structured logger for the process (JSON on stderr, so stdout stays free for CLI output);
// components take a child (`logger.child({ resource })`). Secrets are redacted by path as a second
// line of defence: the code never passes tokens or secrets to the logger in the first place.
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

export function createLogger(
  level: LogLevel = 'info',
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino({ level, redact, base: { service: 'personio-kafka' } }, destination)
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
