import { loadConfig } from '../../../src/config'
import { RateLimiter, documentedLimits, parseRateLimits } from '../../../src/personio/rate-limit'

describe('personio > rate-limit', () => {
  function virtualTime() {
    let now = 0
    const sleeps: number[] = []
    return {
      timing: {
        now: () => now,
        sleep: async (ms: number) => {
          sleeps.push(ms)
          now += ms
        },
      },
      sleeps,
      at: () => now,
    }
  }

  it('lets the burst through, then paces employees to 5 per second (300/min)', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter(documentedLimits, t.timing)
    for (let i = 0; i < 15; i++) await limiter.acquire('employees')
    expect(t.at()).toBe(0)
    for (let i = 0; i < 10; i++) await limiter.acquire('employees')
    expect(t.at()).toBe(2000)
  })

  it('adopts the server headers and never believes more than the server says remains', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter(documentedLimits, t.timing)
    limiter.observe('v2', {
      'x-ratelimit-replenish-rate': '2',
      'x-ratelimit-burst-capacity': '4',
      'x-ratelimit-remaining': '0',
    })
    await limiter.acquire('v2')
    expect(t.at()).toBe(500)
  })

  it('keeps a configured figure as a ceiling: the headers may lower the pace, never raise it', async () => {
    const t = virtualTime()
    const configured = { v2: { rate: 1, burst: 1 } }
    const limiter = new RateLimiter({ ...documentedLimits, ...configured }, t.timing, configured)
    const headers = { 'x-ratelimit-replenish-rate': '10', 'x-ratelimit-burst-capacity': '10' }
    limiter.observe('v2', headers)
    for (let i = 0; i < 3; i++) await limiter.acquire('v2')
    expect(t.at()).toBe(2000) // 1 per second, as configured, not the 10 the server allows
    limiter.observe('v2', { ...headers, 'x-ratelimit-replenish-rate': '0.5' })
    await limiter.acquire('v2')
    expect(t.at()).toBe(4000) // the server's lower figure wins
  })

  it('serves concurrent callers in order, one token each', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter({ ...documentedLimits, v1: { rate: 1, burst: 1 } }, t.timing)
    const order: number[] = []
    await Promise.all([0, 1, 2].map((i) => limiter.acquire('v1').then(() => order.push(i))))
    expect(order).toEqual([0, 1, 2])
    expect(t.at()).toBe(2000)
  })
})

describe('personio > rate-limit > PERSONIO_RATE_LIMITS', () => {
  it('replaces the documented figure of each family named, the burst kept in proportion unless given', () => {
    expect(parseRateLimits('employees=3, v2=8/16,v2-persons=0.5')).toEqual({
      limits: {
        employees: { rate: 3, burst: 9 },
        v2: { rate: 8, burst: 16 },
        'v2-persons': { rate: 0.5, burst: 1 },
      },
      problems: [],
    })
    expect(parseRateLimits('')).toEqual({ limits: {}, problems: [] })
  })

  it.each(['employee=3', 'employees', 'employees=0', 'employees=fast', 'employees=5000', 'v2=3/x', 'v2=3/0'])(
    'refuses %s with the form and the families expected',
    (entry) => {
      const { limits, problems } = parseRateLimits(`v1=2,${entry}`)
      expect(limits).toEqual({ v1: { rate: 2, burst: 4 } })
      expect(problems).toEqual([
        expect.stringContaining(`PERSONIO_RATE_LIMITS (personio.rateLimits): "${entry}" is not`),
      ])
      expect(problems[0]).toContain('employees, v1-auth, v2-auth, v2-periods, v2-persons, v2, v1')
    },
  )

  it('refuses a family named twice', () => {
    expect(parseRateLimits('v2=3,v2=4').problems).toEqual([
      'PERSONIO_RATE_LIMITS (personio.rateLimits): v2 is named twice; give each family once',
    ])
  })

  it('is checked with the rest of the configuration', () => {
    expect(() => loadConfig({ env: { PERSONIO_RATE_LIMITS: 'employees=lots' } })).toThrow(
      /PERSONIO_RATE_LIMITS \(personio\.rateLimits\): "employees=lots" is not/,
    )
  })
})
