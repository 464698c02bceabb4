// One structured logger for the process (JSON on stderr, so stdout stays free for CLI output);
// components take a child (`logger.child({ resource })`). Secrets are redacted by path as a second
// line of defence: the code never passes tokens or secrets to the logger in the first place.
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
