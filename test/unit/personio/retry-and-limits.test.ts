import { PersonioHttpError, RateLimitedError } from '../../../src/errors'
import { RateLimiter, documentedLimits } from '../../../src/personio/rate-limit'
import { defaultRetryPolicy, nextDelay } from '../../../src/personio/retry-policy'

const transient = new PersonioHttpError(
  'x',
  { status: 503, method: 'GET', endpoint: '/x' },
  { retriable: true },
)

describe('personio > retry-policy', () => {
  it('backs off exponentially with equal jitter, bounded', () => {
    expect(nextDelay(defaultRetryPolicy, 1, 0, transient, 0)).toBe(125)
    expect(nextDelay(defaultRetryPolicy, 1, 0, transient, 0.999)).toBe(250)
    expect(nextDelay(defaultRetryPolicy, 3, 0, transient, 0)).toBe(500)
    expect(nextDelay(defaultRetryPolicy, 7, 0, transient, 1)).toBe(16_000)
  })

  it('waits at least a second after 429, or what Retry-After says', () => {
    expect(nextDelay(defaultRetryPolicy, 1, 0, new RateLimitedError('/x', 0), 0)).toBe(1000)
    expect(nextDelay(defaultRetryPolicy, 1, 0, new RateLimitedError('/x', 5000), 0)).toBe(5000)
  })

  it('gives up on non-retriable errors, JS bugs, too many attempts or too much time', () => {
    expect(
      nextDelay(
        defaultRetryPolicy,
        1,
        0,
        new PersonioHttpError('x', { status: 404, method: 'GET', endpoint: '/x' }),
        0,
      ),
    ).toBeUndefined()
    expect(nextDelay(defaultRetryPolicy, 1, 0, new TypeError('bug'), 0)).toBeUndefined()
    expect(nextDelay(defaultRetryPolicy, defaultRetryPolicy.maxAttempts, 0, transient, 0)).toBeUndefined()
    expect(nextDelay(defaultRetryPolicy, 2, 119_900, transient, 0)).toBeUndefined()
  })
})

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
