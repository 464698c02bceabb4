// Personio's many timestamp spellings, produced from UTC milliseconds. Company-local times are
// Europe/Berlin (CET +01:00 in winter, CEST +02:00 from the last Sunday of March 01:00 UTC to the
// last Sunday of October 01:00 UTC).
import { berlinDay, berlinOffsetAt } from './dates'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

function localParts(ms: number): { text: string; offset: number } {
  const offset = berlinOffsetAt(ms)
  const d = new Date(ms + offset * 60_000)
  const text =
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return { text, offset }
}

/** `2020-11-18T17:33:55+01:00` (v1 employees) */
export function berlinWithColon(ms: number): string {
  const { text, offset } = localParts(ms)
  return `${text}+${pad(offset / 60)}:00`
}

/** `2017-12-27T00:00:00+0100` (v1 time-offs, projects) */
export function berlinNoColon(ms: number): string {
  const { text, offset } = localParts(ms)
  return `${text}+${pad(offset / 60)}00`
}

/** `2022-06-20T14:29:56.510Z` (hourly absence periods) */
export function utcMillis(ms: number): string {
  return new Date(ms).toISOString()
}

/** `2017-07-21T17:32:28Z` (v2, custom reports) */
export function utcSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** `2024-06-03T08:30:00`: local wall-clock time without offset (v2 periods) */
export function berlinNaive(ms: number): string {
  return localParts(ms).text
}

/** `2024-06-03`: a calendar date (days since epoch → ISO date) */
export function isoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}

/** Midnight of a calendar date in Berlin, spelled as v1 employee dates: `2014-11-09T00:00:00+01:00` */
export function berlinMidnight(day: number): string {
  const offset = berlinOffsetAt(day * 86_400_000)
  return `${isoDate(day)}T00:00:00+${pad(offset / 60)}:00`
}

export function berlinMidnightNoColon(day: number): string {
  return berlinMidnight(day).replace(/:00$/, '00')
}

export const dayOf = (ms: number): number => Math.floor(ms / 86_400_000)

/** Midnight of a calendar date in Berlin, as UTC ms. */
export const berlinMidnightMs = (day: number): number =>
  day * 86_400_000 - berlinOffsetAt(day * 86_400_000) * 60_000

/** Minutes of the span [start, end) on each Berlin calendar day it touches (hourly absence breakdowns). */
export function minutesPerBerlinDay(start: number, end: number): { day: number; minutes: number }[] {
  const out: { day: number; minutes: number }[] = []
  for (let day = berlinDay(start); day <= berlinDay(end - 1); day++) {
    const from = Math.max(start, berlinMidnightMs(day))
    const to = Math.min(end, berlinMidnightMs(day + 1))
    out.push({ day, minutes: Math.round((to - from) / 60_000) })
  }
  return out
}
