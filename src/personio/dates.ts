// Personio's timestamp spellings → UTC milliseconds, and back for filter values. Pure.
// Accepted: `Z` with or without fractional seconds, `+01:00`, `+0100`, naive local date-times
// (interpreted in the company zone, Europe/Berlin by default: Personio does not document it, so
// callers use an overlap window), and plain dates.

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/

function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0))
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1)
}

// Summer time per year, worked out once: every timestamp and date of every record asks.
const summerTimes = new Map<number, readonly [number, number]>()

/** Europe/Berlin offset in minutes at a UTC instant (CET/CEST, EU rules). */
export function berlinOffsetAt(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear()
  let summer = summerTimes.get(year)
  if (summer === undefined) summerTimes.set(year, (summer = [lastSunday(year, 2), lastSunday(year, 9)]))
  return utcMs >= summer[0] && utcMs < summer[1] ? 120 : 60
}

export type NaiveZone = 'Europe/Berlin' | 'UTC'

/** Local wall-clock → UTC for a zone; in the skipped/repeated DST hour, the standard-time reading wins. */
function localToUtc(wallMs: number, zone: NaiveZone): number {
  if (zone === 'UTC') return wallMs
  const asWinter = wallMs - 60 * 60_000
  const asSummer = wallMs - 120 * 60_000
  return berlinOffsetAt(asWinter) !== 60 && berlinOffsetAt(asSummer) === 120 ? asSummer : asWinter
}

/** UTC ms, or undefined when the text is not a Personio timestamp or date. */
export function parsePersonioTime(text: string, naiveZone: NaiveZone = 'Europe/Berlin'): number | undefined {
  const m = PATTERN.exec(text.trim())
  if (m === null) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    return undefined
  const wall = Date.UTC(
    Number(y),
    month - 1,
    day,
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.padEnd(3, '0').slice(0, 3)),
  )
  if (new Date(wall).getUTCDate() !== day) return undefined // 2024-02-30
  if (zone === undefined) return m[4] === undefined ? wall : localToUtc(wall, naiveZone)
  if (zone === 'Z') return wall
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
  return wall - offset * 60_000
}

/**
 * A filter value as an instant: like parsePersonioTime, but a plain date means midnight in the
 * zone (a company-local day starts at Berlin midnight, not at UTC midnight).
 */
export function parseFilterInstant(text: string, naiveZone: NaiveZone = 'Europe/Berlin'): number | undefined {
  const t = text.trim()
  return parsePersonioTime(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00` : t, naiveZone)
}

/** A plain calendar date `YYYY-MM-DD` → days since 1970-01-01, or undefined. */
export function parseDateOnly(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim())
  if (m === null) return undefined
  const ms = parsePersonioTime(text, 'UTC')
  return ms === undefined ? undefined : Math.floor(ms / 86_400_000)
}

/** The calendar date a timestamp falls on in Berlin (what v1 date-only filters compare). */
export function berlinDay(utcMs: number): number {
  return Math.floor((utcMs + berlinOffsetAt(utcMs) * 60_000) / 86_400_000)
}

export const formatDate = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10)

/** `2026-01-15T09:00:00Z`: the filter spelling we send to v2 and v1 `updated_since`. */
export const formatUtcSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
