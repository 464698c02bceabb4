import {
  berlinMidnight,
  berlinNaive,
  berlinNoColon,
  berlinWithColon,
  minutesPerBerlinDay,
  utcMillis,
} from '../../../src/simulator/time-format'

const at = (iso: string) => Date.parse(iso)

describe('simulator > company-local days', () => {
  it('splits a span at Berlin midnight, not UTC midnight', () => {
    // 00:30–02:00 in Berlin (CET) is 23:30–01:00 UTC: one Berlin day
    expect(minutesPerBerlinDay(at('2026-03-09T23:30:00Z'), at('2026-03-10T01:00:00Z'))).toEqual([
      { day: Date.parse('2026-03-10') / 86_400_000, minutes: 90 },
    ])
    // 23:00–01:00 in Berlin: an hour on each side of midnight
    expect(minutesPerBerlinDay(at('2026-03-09T22:00:00Z'), at('2026-03-10T00:00:00Z'))).toEqual([
      { day: Date.parse('2026-03-09') / 86_400_000, minutes: 60 },
      { day: Date.parse('2026-03-10') / 86_400_000, minutes: 60 },
    ])
  })

  it('gives the day the clocks go forward 23 hours', () => {
    const [day] = minutesPerBerlinDay(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))
    expect(day).toEqual({ day: Date.parse('2026-03-29') / 86_400_000, minutes: 23 * 60 })
  })
})

describe('simulator > time formats', () => {
  it('spells instants the way each endpoint does, with the Berlin offset of the date', () => {
    const winter = Date.parse('2020-11-18T16:33:55Z')
    const summer = Date.parse('2024-07-01T10:00:00.510Z')
    expect(berlinWithColon(winter)).toBe('2020-11-18T17:33:55+01:00')
    expect(berlinWithColon(summer)).toBe('2024-07-01T12:00:00+02:00')
    expect(berlinNoColon(summer)).toBe('2024-07-01T12:00:00+0200')
    expect(utcMillis(summer)).toBe('2024-07-01T10:00:00.510Z')
    expect(berlinNaive(summer)).toBe('2024-07-01T12:00:00')
    expect(berlinMidnight(Date.parse('2014-11-09T00:00:00Z') / 86_400_000)).toBe('2014-11-09T00:00:00+01:00')
    // DST switch: 2024-03-31 01:00 UTC
    expect(berlinWithColon(Date.parse('2024-03-31T00:59:59Z'))).toBe('2024-03-31T01:59:59+01:00')
    expect(berlinWithColon(Date.parse('2024-03-31T01:00:00Z'))).toBe('2024-03-31T03:00:00+02:00')
  })
})
