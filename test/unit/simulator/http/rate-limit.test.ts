import { personioLimits, RateLimiter } from '../../../../src/simulator/http/rate-limit'

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
})
