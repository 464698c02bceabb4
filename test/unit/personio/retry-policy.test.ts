import { PersonioHttpError, RateLimitedError } from '../../../src/errors'
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
