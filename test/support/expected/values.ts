// Raw Personio JSON values → the values a decoded Avro record holds (schemas/*.avsc,
// docs/contract.md "Values"): strings, numbers, booleans, null; dates as days, instants as epoch ms,
// decimals as fixed-scale text, multi-valued data as JSON text. A value the oracle cannot read is
// an error, never a guess: the comparison must not quietly agree with a broken item.
import { epochDay, instantMs } from './time'

export type Value = string | number | boolean | null
export type Row = Record<string, Value>

const bad = (what: string, v: unknown): never => {
  throw new Error(`oracle: ${what}: ${JSON.stringify(v)}`)
}
const absent = (v: unknown): v is null | undefined => v === null || v === undefined

export function text(v: unknown): string | null {
  if (absent(v)) return null
  return typeof v === 'string' ? v : bad('expected a string', v)
}

/** Integers; v2 spells numeric ids as strings ("4711"). */
export function int(v: unknown): number | null {
  if (absent(v)) return null
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : bad('expected an integer', v)
}

/** Numbers; v1 sends some as strings (weekly_working_hours "40"). */
export function num(v: unknown): number | null {
  if (absent(v)) return null
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
  return typeof n === 'number' && Number.isFinite(n) ? n : bad('expected a number', v)
}

/** Booleans; some v1 time-off responses send half-day flags as 0/1. */
export function flag(v: unknown): boolean | null {
  if (absent(v)) return null
  if (typeof v === 'boolean') return v
  return v === 0 || v === 1 ? v === 1 : bad('expected a boolean', v)
}

export const instant = (v: unknown): number | null => {
  const t = text(v)
  return t === null ? null : instantMs(t)
}

export const day = (v: unknown): number | null => {
  const t = text(v)
  return t === null ? null : epochDay(t)
}

/** decimal(p, s) as the Avro decimal decodes: the unscaled digits with exactly `scale` decimals. */
export function decimal(v: unknown, scale: number): string | null {
  const n = num(v)
  if (n === null) return null
  const units = Math.round(Math.abs(n) * 10 ** scale)
  const digits = String(units).padStart(scale + 1, '0')
  const sign = n < 0 && units !== 0 ? '-' : ''
  return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
}

/** Lists and objects travel as JSON text (one primitive column for sinks). */
export function json(v: unknown): string | null {
  return absent(v) ? null : JSON.stringify(v)
}

/** JSON text with object keys sorted at every level: compares content, not Personio's key order. */
export function canonicalJsonText(textValue: string): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort)
    if (v === null || typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sort(o[k])]),
    )
  }
  try {
    return JSON.stringify(sort(JSON.parse(textValue)))
  } catch {
    return textValue // not JSON: compared as it is, so the difference shows
  }
}
