// simulator > dates: the simulator's own reading of personio-api.md §5, checked against instants
// worked out by hand, and against the client's independent parser on every documented spelling.
import { parsePersonioTime } from '../../../src/personio/dates'
import { berlinDay, berlinOffsetAt, parseDay, parseInstant } from '../../../src/simulator/dates'

const utc = (iso: string) => Date.parse(iso)

describe('simulator > dates', () => {
  it.each([
    ['2020-11-18T17:33:55+01:00', '2020-11-18T16:33:55Z'],
    ['2017-12-27T00:00:00+0100', '2017-12-26T23:00:00Z'],
    ['2024-07-01T00:00:00+0200', '2024-06-30T22:00:00Z'],
    ['2022-06-20T14:29:56.510Z', '2022-06-20T14:29:56.510Z'],
    ['2022-05-31T22:00:00.0Z', '2022-05-31T22:00:00Z'],
    ['2017-07-21T17:32:28Z', '2017-07-21T17:32:28Z'],
    ['2024-06-03T08:30:00', '2024-06-03T06:30:00Z'], // naive, CEST
    ['2022-12-24T08:15:30', '2022-12-24T07:15:30Z'], // naive, CET
    ['2024-06-07', '2024-06-06T22:00:00Z'], // a plain date is Berlin midnight
  ])('reads %s as %s', (text, instant) => {
    expect(parseInstant(text)).toBe(utc(instant))
    expect(parsePersonioTime(text.length === 10 ? `${text}T00:00:00` : text)).toBe(utc(instant))
  })

  it('reads naive times as UTC where the endpoint says so', () => {
    expect(parseInstant('2023-01-01T12:00:00', 'UTC')).toBe(utc('2023-01-01T12:00:00Z'))
    expect(parseInstant('2023-01-01', 'UTC')).toBe(utc('2023-01-01T00:00:00Z'))
  })

  it.each([
    'wrong-date-format',
    '2024-02-30',
    '2024-13-01T00:00:00Z',
    '2024-06-03T25:00:00',
    '2024-06-03T',
    '',
  ])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined()
  })

  it('knows Berlin offsets and days from the time-zone database', () => {
    expect(berlinOffsetAt(utc('2026-01-15T09:00:00Z'))).toBe(60)
    expect(berlinOffsetAt(utc('2026-03-29T00:59:59Z'))).toBe(60)
    expect(berlinOffsetAt(utc('2026-03-29T01:00:00Z'))).toBe(120)
    expect(berlinOffsetAt(utc('2026-10-25T00:59:59Z'))).toBe(120)
    expect(berlinOffsetAt(utc('2026-10-25T01:00:00Z'))).toBe(60)
    expect(berlinDay(utc('2021-02-28T23:00:00Z'))).toBe(utc('2021-03-01') / 86_400_000)
    expect(parseDay('2024-06-03')).toBe(utc('2024-06-03') / 86_400_000)
    expect(parseDay('2024-6-3')).toBeUndefined()
  })
})

describe('simulator > dates > DST', () => {
  it('reads the doubled October hour and the skipped March hour as standard time, as the client does', () => {
    for (const text of ['2026-10-25T02:30:00', '2026-03-29T02:30:00']) {
      expect(parseInstant(text)).toBe(parsePersonioTime(text))
    }
    expect(parseInstant('2026-10-25T02:30:00')).toBe(utc('2026-10-25T01:30:00Z'))
  })
})
