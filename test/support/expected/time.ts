// Personio's date and time spellings turned into what the Avro values hold (timestamp-millis: epoch
// ms; date: days since 1970-01-01), written from the API description (personio-api.md §5) with the
// platform's Intl time zones, not with the product's date code. Company-local means Europe/Berlin.

const DAY_MS = 86_400_000
const ZONE = 'Europe/Berlin'

const berlinParts = new Intl.DateTimeFormat('en-US', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** The Berlin wall clock at an instant, read as if it were UTC (so differences give the offset). */
function berlinWallAsUtc(ms: number): number {
  const parts = Object.fromEntries(
    berlinParts.formatToParts(new Date(ms)).map((p) => [p.type, p.value] as const),
  ) as Record<string, string>
  return (
    Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ) +
    (ms % 1000)
  )
}

/** A naive Berlin wall-clock time (given as UTC fields) → the instant. */
function fromBerlinWall(wallAsUtc: number): number {
  const guess = wallAsUtc - (berlinWallAsUtc(wallAsUtc) - wallAsUtc)
  return wallAsUtc - (berlinWallAsUtc(guess) - guess)
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** An instant in any spelling Personio uses → epoch ms; a naive date-time is Berlin wall-clock time. */
export function instantMs(text: string): number {
  const m = ISO.exec(text.trim())
  if (m === null) throw new Error(`oracle: not a Personio date-time: ${text}`)
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m
  const fields = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.padEnd(3, '0').slice(0, 3)),
  )
  if (zone === undefined) return fromBerlinWall(fields)
  if (zone === 'Z') return fields
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return fields - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
}

/** A calendar date → days since epoch: a plain date as written, a date-time by its Berlin date. */
export function epochDay(text: string): number {
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim())
  if (plain !== null) return Date.UTC(Number(plain[1]), Number(plain[2]) - 1, Number(plain[3])) / DAY_MS
  return Math.floor(berlinWallAsUtc(instantMs(text)) / DAY_MS)
}
