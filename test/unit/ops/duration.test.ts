// Durations in log lines and tables read as a person says them: a minute is never "0 h".
import { humanDuration } from '../../../src/ops/duration'

describe('ops > duration', () => {
  it.each([
    [0, '0 s'],
    [5_400, '5 s'],
    [59_000, '59 s'],
    [60_000, '1 min'],
    [90_000, '1.5 min'],
    [45 * 60_000, '45 min'],
    [3_600_000, '1 h'],
    [24 * 3_600_000, '24 h'],
    [2 * 86_400_000, '2 d'],
    [325 * 86_400_000, '325 d'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(humanDuration(ms)).toBe(text)
  })
})
