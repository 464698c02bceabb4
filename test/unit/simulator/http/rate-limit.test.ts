import {
  hiddenLimitsOf,
  parseHiddenLimits,
  personioLimits,
  RateLimiter,
} from '../../../../src/simulator/http/rate-limit'

/** Requests allowed out of `n` sent at `now()`, one per `stepMs`. */
function send(limiter: RateLimiter, family: string, clock: { t: number }, n: number, stepMs: number): number {
  let allowed = 0
  for (let i = 0; i < n; i++) {
    if (limiter.take(family).allowed) allowed++
    clock.t += stepMs
  }
  return allowed
}

describe('simulator > rate limits', () => {
  it('employees: bursts of 15, then 5 per second, with the gateway headers', () => {
    const clock = { t: 0 }
    const limiter = new RateLimiter(personioLimits, () => clock.t)
    expect(send(limiter, 'employees', clock, 20, 0)).toBe(15)
    const { headers } = limiter.take('employees')
    expect(headers).toEqual({
      'x-ratelimit-replenish-rate': '5',
      'x-ratelimit-burst-capacity': '15',
      'x-ratelimit-requested-tokens': '1',
      'x-ratelimit-remaining': '0',
    })
    clock.t += 1000
    expect(send(limiter, 'employees', clock, 10, 0)).toBe(5)
  })

  it('v1 auth: 60 per minute, then nothing for a 60 s cool-down', () => {
    const clock = { t: 0 }
    const limiter = new RateLimiter(personioLimits, () => clock.t)
    expect(send(limiter, 'v1-auth', clock, 61, 0)).toBe(60)
    // the bucket would have refilled 30 tokens by now, but the cool-down refuses everything
    clock.t += 30_000
    expect(limiter.take('v1-auth').headers['x-ratelimit-remaining']).toBe('0')
    expect(send(limiter, 'v1-auth', clock, 5, 1000)).toBe(0)
    clock.t += 30_000
    expect(limiter.take('v1-auth').allowed).toBe(true)
  })

  it('v2 auth: 150 per minute, then 1 per second for 60 s', () => {
    const clock = { t: 0 }
    const limiter = new RateLimiter(personioLimits, () => clock.t)
    expect(send(limiter, 'v2-auth', clock, 151, 0)).toBe(150)
    // ten requests a second for ten seconds: one a second gets through, from a second after the refusal
    expect(send(limiter, 'v2-auth', clock, 100, 100)).toBe(9)
    clock.t += 60_000
    expect(send(limiter, 'v2-auth', clock, 20, 0)).toBe(20)
  })

  it('balances: a bucket of their own, beside the employees listing', () => {
    const clock = { t: 0 }
    const limiter = new RateLimiter(personioLimits, () => clock.t)
    expect(send(limiter, 'employees', clock, 20, 0)).toBe(15)
    expect(send(limiter, 'balances', clock, 20, 0)).toBe(15)
  })

  it('all v1 endpoints together: 2,000 per minute, whatever each family allows', () => {
    const clock = { t: 0 }
    const limiter = new RateLimiter({ ...personioLimits, v1: { rate: 1000, burst: 1000 } }, () => clock.t)
    // the v1-wide bucket holds 100, then refills at 33.3/s
    expect(send(limiter, 'v1', clock, 200, 0)).toBe(100)
    clock.t += 3000
    expect(send(limiter, 'v1', clock, 200, 0)).toBe(100)
    // 60 s of one request every 10 ms: 2,000 of the 6,000 get through
    for (let minute = 0; minute < 2; minute++) {
      const through = send(limiter, 'v1', clock, 6000, 10)
      expect(through).toBeGreaterThanOrEqual(1998)
      expect(through).toBeLessThanOrEqual(2001)
    }
    // v2 is not part of it
    expect(send(limiter, 'v2', clock, 5, 0)).toBe(5)
  })

  it('a refusal by all of v1 together leaves the family its token', () => {
    const clock = { t: 0 }
    const limiter = new RateLimiter(
      { balances: { rate: 1, burst: 2 }, 'v1-global': { rate: 1, burst: 1 } },
      () => clock.t,
    )
    expect(limiter.take('balances').allowed).toBe(true)
    expect(limiter.take('balances').allowed).toBe(false) // v1-wide empty
    clock.t += 1000
    expect(limiter.take('balances').allowed).toBe(true) // the family still had one
  })

  it("hidden limits: a bucket in place of the family's, answered without x-ratelimit-* headers", () => {
    const clock = { t: 0 }
    const limiter = new RateLimiter(personioLimits, () => clock.t, { balances: { rate: 2, burst: 3 } })
    const first = limiter.take('balances')
    expect(first).toEqual({ allowed: true, headers: {} })
    expect(send(limiter, 'balances', clock, 10, 0)).toBe(2)
    clock.t += 1000
    expect(send(limiter, 'balances', clock, 10, 0)).toBe(2)
    expect(limiter.take('employees').headers['x-ratelimit-replenish-rate']).toBe('5')
    // told again once no longer hidden
    limiter.hide({})
    expect(limiter.take('balances').headers['x-ratelimit-replenish-rate']).toBe('5')
    expect(limiter.hiddenLimits()).toEqual({})
  })

  it('reads hidden limits as text or as the control API body, every entry not understood said', () => {
    expect(parseHiddenLimits('balances=2.5, employees=10/30')).toEqual({
      limits: { balances: { rate: 2.5, burst: 8 }, employees: { rate: 10, burst: 30 } },
      problems: [],
    })
    expect(hiddenLimitsOf({ v2: { rate: 4, burst: 2 } })).toEqual({
      limits: { v2: { rate: 4, burst: 2 } },
      problems: [],
    })
    expect(parseHiddenLimits('nope=3,balances=0').problems).toEqual([
      expect.stringContaining('"nope=3" is not <family>=<requests per second>[/<burst>]'),
      expect.stringContaining('"balances=0" is not'),
    ])
    expect(hiddenLimitsOf(7).problems).toHaveLength(1)
  })
})
