// How log lines look, without I/O: JSON for machines (pino's own line, untouched), or one readable
// line per event for a person at a terminal. logger.ts decides which and does the writing; the
// pretty form is made from pino's finished JSON line, so redaction and the cycle mixin apply to
// both alike and a field never reaches a terminal that the JSON would not carry.
import type { LogFormat } from '../config'

/** `auto`: pretty when the lines end on a terminal, JSON otherwise (files, pipes, containers). */
export function resolveLogFormat(format: LogFormat, stream: { isTTY?: boolean }): 'json' | 'pretty' {
  if (format !== 'auto') return format
  return stream.isTTY === true ? 'pretty' : 'json'
}

const levelNames: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
}

// Said by the level, the time and the message already, or the same on every line.
const shownElsewhere = new Set(['level', 'time', 'msg', 'service', 'resource', 'pid', 'hostname'])

const two = (n: number) => String(n).padStart(2, '0')

/** Local wall-clock time with milliseconds: what a person compares with the clock on the wall. */
function clockTime(ms: number): string {
  const d = new Date(ms)
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** Strings bare when they are one word, quoted (JSON) when they hold spaces or line breaks. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  if (value !== null && typeof value === 'object') {
    // pino's error serializer: what went wrong in one phrase; the stack stays in the JSON format
    const err = value as { type?: unknown; message?: unknown; code?: unknown; stack?: unknown }
    if (typeof err.message === 'string' && typeof err.stack === 'string') {
      const code = typeof err.code === 'string' ? `${err.code}: ` : ''
      return JSON.stringify(`${code}${err.message}`)
    }
    return JSON.stringify(value)
  }
  return String(value)
}

/**
 * One JSON log line as pino wrote it → `HH:MM:SS.mmm LEVEL resource: message key=value …`.
 * A line that is not a JSON object is passed through unchanged.
 */
export function prettyLine(json: string): string {
  let entry: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(json)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return json
    entry = parsed as Record<string, unknown>
  } catch {
    return json
  }
  const level = typeof entry.level === 'number' ? (levelNames[entry.level] ?? `L${entry.level}`) : 'INFO'
  const time = typeof entry.time === 'number' ? `${clockTime(entry.time)} ` : ''
  const message = typeof entry.msg === 'string' ? entry.msg.replace(/\r?\n/g, ' ⏎ ') : ''
  // progress lines name their resource first already
  const named = typeof entry.resource === 'string' && !message.startsWith(`${entry.resource} `)
  const resource = named ? `${String(entry.resource)}: ` : ''
  const fields = Object.entries(entry)
    .filter(([key, value]) => !shownElsewhere.has(key) && value !== undefined)
    .map(([key, value]) => ` ${key}=${shownValue(value)}`)
    .join('')
  return `${time}${level.padEnd(5)} ${resource}${message}${fields}\n`
}
