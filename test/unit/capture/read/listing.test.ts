// A filter's lower bound must be early enough however Personio reads it: whether a naive
// date-time or a plain date means UTC or company time (Europe/Berlin) is undocumented, so the bound
// sent is at or before the instant under both readings.
import { formatInstant } from '../../../../src/capture/read/listing'

/** The instant a naive value means when read in a zone offset (minutes ahead of UTC). */
const readAs = (naive: string, offsetMinutes: number) =>
  Date.parse(`${naive.length === 10 ? `${naive}T00:00:00` : naive}Z`) - offsetMinutes * 60_000

describe('capture > read > listing: filter bounds', () => {
  const instants = [
    '2026-01-15T09:00:00.000Z', // winter: Berlin +1
    '2026-07-15T09:00:00.000Z', // summer: Berlin +2
    '2026-07-15T23:30:00.000Z', // the Berlin day is already the next one
    '2026-03-29T00:30:00.000Z', // the night summer time begins
  ].map(Date.parse)

  it.each(instants)('a naive date-time is at or before %s read as UTC and as Berlin time', (ms) => {
    const sent = formatInstant(ms, 'naive-date-time')
    expect(sent).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)
    expect(readAs(sent, 0)).toBeLessThanOrEqual(ms)
    expect(readAs(sent, 120)).toBeLessThanOrEqual(ms)
    // and not needlessly early: within a second of the instant read as UTC
    expect(ms - readAs(sent, 0)).toBeLessThan(1000)
  })

  it.each(instants)('a plain date starts at or before %s read as a UTC day and as a Berlin day', (ms) => {
    const sent = formatInstant(ms, 'plain-date')
    expect(sent).toMatch(/^\d{4}-\d\d-\d\d$/)
    expect(readAs(sent, 0)).toBeLessThanOrEqual(ms)
    expect(readAs(sent, 60)).toBeLessThanOrEqual(ms)
    expect(readAs(sent, 120)).toBeLessThanOrEqual(ms)
  })

  it('a UTC bound says its zone', () => {
    expect(formatInstant(Date.parse('2026-01-15T09:00:00.700Z'), 'utc-seconds')).toBe('2026-01-15T09:00:00Z')
  })
})
