import { RateLimiter, documentedLimits } from '../../../src/personio/rate-limit'

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

  it('serves concurrent callers in order, one token each', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter({ ...documentedLimits, v1: { rate: 1, burst: 1 } }, t.timing)
    const order: number[] = []
    await Promise.all([0, 1, 2].map((i) => limiter.acquire('v1').then(() => order.push(i))))
    expect(order).toEqual([0, 1, 2])
    expect(t.at()).toBe(2000)
  })
})
