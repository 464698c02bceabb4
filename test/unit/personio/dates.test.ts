import { berlinDay, parseDateOnly, parseFilterInstant, parsePersonioTime } from '../../../src/personio/dates'
import { naiveBerlin } from '../../../src/personio/endpoints'

describe('personio > dates', () => {
  it.each([
    ['2020-11-18T17:33:55+01:00', '2020-11-18T16:33:55.000Z'],
    ['2017-12-27T00:00:00+0100', '2017-12-26T23:00:00.000Z'],
    ['2024-03-31T03:00:00+0200', '2024-03-31T01:00:00.000Z'],
    ['2022-06-20T14:29:56.510Z', '2022-06-20T14:29:56.510Z'],
    ['2022-05-31T22:00:00.0Z', '2022-05-31T22:00:00.000Z'],
    ['2017-07-21T17:32:28Z', '2017-07-21T17:32:28.000Z'],
    ['2024-06-03T08:30:00', '2024-06-03T06:30:00.000Z'], // naive, CEST
    ['2024-01-03T08:30:00', '2024-01-03T07:30:00.000Z'], // naive, CET
    ['2024-03-31T02:30:00', '2024-03-31T01:30:00.000Z'], // skipped hour: read as standard time
    ['2024-06-03', '2024-06-03T00:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(new Date(parsePersonioTime(text) as number).toISOString()).toBe(iso)
  })

  it.each(['', 'gestern', '2024-02-30', '2024-13-01T00:00:00Z', '2024-01-01T25:00:00Z'])(
    'refuses %j',
    (text) => {
      expect(parsePersonioTime(text)).toBeUndefined()
    },
  )

  it('reads company-local dates and formats naive filter values', () => {
    expect(parseDateOnly('1970-01-02')).toBe(1)
    expect(parseDateOnly('1970-01-02T00:00:00Z')).toBeUndefined()
    expect(berlinDay(Date.parse('2024-06-02T22:30:00Z'))).toBe(parseDateOnly('2024-06-03'))
    expect(naiveBerlin(Date.parse('2024-06-03T06:30:00Z'))).toBe('2024-06-03T08:30:00')
  })

  it('reads a plain date in a filter as midnight in the company zone, not in UTC', () => {
    expect(new Date(parseFilterInstant('2024-06-03') as number).toISOString()).toBe(
      '2024-06-02T22:00:00.000Z',
    )
    expect(new Date(parseFilterInstant('2024-01-03') as number).toISOString()).toBe(
      '2024-01-02T23:00:00.000Z',
    )
    expect(new Date(parseFilterInstant('2024-06-03', 'UTC') as number).toISOString()).toBe(
      '2024-06-03T00:00:00.000Z',
    )
    expect(parseFilterInstant('2024-06-03T08:30:00')).toBe(parsePersonioTime('2024-06-03T08:30:00'))
  })
})
