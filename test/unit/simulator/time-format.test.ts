import { minutesPerBerlinDay } from '../../../src/simulator/time-format'

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
