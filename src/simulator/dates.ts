// The simulator's own reading of Personio's date spellings (../shared/personio-api.md §5), kept
// apart from the client's (src/personio/dates.ts) on purpose: if both used one parser, client and
// simulator would agree whatever Personio does, and the tests would prove nothing about either.
// The company zone comes from the platform's time-zone database (Intl), not from a DST rule.

const berlin = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Berlin',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

const HOUR = 3_600_000
const DAY = 86_400_000
/** Offsets change only on whole UTC hours, so one lookup per hour is exact (and keeps big renders fast). */
const offsetByHour = new Map<number, number>()

/** Minutes Europe/Berlin is ahead of UTC at an instant. */
export function berlinOffsetAt(utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR)
  let offset = offsetByHour.get(hour)
  if (offset === undefined) {
    const parts: Record<string, string> = {}
    for (const p of berlin.formatToParts(new Date(hour * HOUR))) parts[p.type] = p.value
    const wall = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    )
    offset = (wall - hour * HOUR) / 60_000
    if (offsetByHour.size > 200_000) offsetByHour.clear()
    offsetByHour.set(hour, offset)
  }
  return offset
}

/** The Berlin calendar day (days since 1970-01-01) of an instant. */
export const berlinDay = (utcMs: number): number => Math.floor((utcMs + berlinOffsetAt(utcMs) * 60_000) / DAY)

/** A Berlin wall-clock time (as if it were UTC ms) → the instant; in the doubled autumn hour and
 * the skipped spring hour, the standard-time (+01:00) reading (docs/simulator.md, DST). */
function berlinWallToUtc(wallMs: number): number {
  for (const offset of [60, 120]) {
    const utc = wallMs - offset * 60_000
    if (berlinOffsetAt(utc) === offset) return utc
  }
  return wallMs - 60 * 60_000
}

/** `YYYY-MM-DD` → days since 1970-01-01, or undefined (also for 2024-02-30). */
export function parseDay(text: string): number | undefined {
  const parts = text.split('-')
  if (
    parts.length !== 3 ||
    !/^\d{4}$/.test(parts[0] ?? '') ||
    !parts.slice(1).every((p) => /^\d{2}$/.test(p))
  )
    return undefined
  const [y, m, d] = parts.map(Number) as [number, number, number]
  const ms = Date.UTC(y, m - 1, d)
  const back = new Date(ms)
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d
    ? ms / DAY
    : undefined
}

/**
 * A timestamp as Personio's filters accept it → UTC ms, or undefined: `…Z`, `…+01:00`, `…+0100`,
 * optional seconds and fractions, a naive local time (read in Berlin, or UTC where the endpoint
 * says so), or a plain date (midnight of that day in the same zone).
 */
export function parseInstant(
  text: string,
  naive: 'Europe/Berlin' | 'UTC' = 'Europe/Berlin',
): number | undefined {
  const t = text.trim()
  const toUtc = naive === 'UTC' ? (wall: number) => wall : berlinWallToUtc
  const day = parseDay(t)
  if (day !== undefined) return toUtc(day * DAY)
  const [date = '', time = ''] = t.split('T')
  const dayOf = parseDay(date)
  if (dayOf === undefined || time === '') return undefined
  const zone = /(Z|[+-]\d{2}:?\d{2})$/.exec(time)?.[0]
  const clock = zone === undefined ? time : time.slice(0, -zone.length)
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(clock)
  if (m === null) return undefined
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]
  if (h > 23 || min > 59 || s > 59) return undefined
  const millis = Math.floor(Number(`0.${m[4] ?? '0'}`) * 1000)
  const wall = dayOf * DAY + ((h * 60 + min) * 60 + s) * 1000 + millis
  if (zone === undefined) return toUtc(wall)
  if (zone === 'Z') return wall
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
}
