import { AdaptivePace, defaultPaceRule } from '../../../src/personio/adaptive-pace'

describe('personio > adaptive-pace', () => {
  /** `n` grants, each after waiting one interval of the pace: demand above the pace throughout. */
  function queue(pace: AdaptivePace, n: number, from = 0): number {
    let at = from
    if (from === 0) pace.granted(0, false)
    for (let i = 0; i < n; i++) {
      at += 1000 / pace.rate
      pace.granted(at, true)
    }
    return at
  }

  it('rises by a tenth a second while requests queue and no 429 came', () => {
    const pace = new AdaptivePace({ rate: 5, burst: 15 }, 100)
    queue(pace, 5)
    expect(pace.rate).toBeCloseTo(5 * 1.1, 1)
  })

  it('does not rise for requests that found a token waiting', () => {
    const pace = new AdaptivePace({ rate: 5, burst: 15 }, 100)
    for (let at = 0; at < 60_000; at += 200) pace.granted(at, false)
    expect(pace.rate).toBe(5)
  })

  it('counts an idle gap as one interval of the pace at most', () => {
    const pace = new AdaptivePace({ rate: 5, burst: 15 }, 100)
    pace.granted(0, false)
    pace.granted(3_600_000, true)
    expect(pace.rate).toBeCloseTo(5 + 0.5 * 0.2, 5)
  })

  it('backs off at once on a 429 to a queued request, and once only for the requests in flight with it', () => {
    const pace = new AdaptivePace({ rate: 10, burst: 30 }, 100)
    const epoch = pace.granted(0, true)
    const inFlight = pace.granted(100, true)
    const before = pace.rate
    expect(pace.limited(epoch, true)).toBe(true)
    expect(pace.rate).toBeCloseTo(before * defaultPaceRule.backOff, 5)
    expect(pace.limited(inFlight, true)).toBe(false)
    expect(pace.rate).toBeCloseTo(before * defaultPaceRule.backOff, 5)
    expect(pace.learned().height).toBeCloseTo(before, 5)
  })

  it('halves its burst too when the 429 came to a token left from a pause, but takes no height from it', () => {
    const pace = new AdaptivePace({ rate: 10, burst: 30 }, 100)
    expect(pace.limited(pace.granted(0, false), false)).toBe(true)
    expect(pace.learned()).toEqual({ rate: 8, burst: 12 })
  })

  it('climbs back to the height of the last 429 in about ten seconds, then probes past it slowly', () => {
    const pace = new AdaptivePace({ rate: 10, burst: 30, height: 10 }, 100)
    pace.limited(pace.granted(0, true), true) // at 8, the height 10
    let at = queue(pace, 90, 1) // about 10 s
    expect(pace.rate).toBeGreaterThan(8.9)
    expect(pace.rate).toBeLessThan(9.2)
    const before = pace.rate
    const started = at
    while (at - started < 60_000) at = queue(pace, 1, at)
    // 0.1 % of the height per second near it: 6 % a minute
    expect(pace.rate - before).toBeCloseTo(0.6, 1)
  })

  it('forgets the height once well past it without a 429: the limit has moved', () => {
    const pace = new AdaptivePace({ rate: 10, burst: 30, height: 8 }, 100)
    queue(pace, 1)
    expect(pace.learned().height).toBeUndefined()
  })

  it('stays between its minimum and its ceiling', () => {
    const pace = new AdaptivePace({ rate: 50, burst: 50 }, 20)
    expect(pace.rate).toBe(20)
    queue(pace, 1000)
    expect(pace.rate).toBe(20)
    for (let i = 0; i < 100; i++) pace.limited(pace.granted(0, true), true)
    expect(pace.rate).toBe(defaultPaceRule.minimum)
  })

  it('follows stated figures and forgets what it learned', () => {
    const pace = new AdaptivePace({ rate: 10, burst: 30, height: 12 }, 20)
    pace.follow(30, 40)
    expect(pace.learned()).toEqual({ rate: 20, burst: 40 })
  })
})
