// The client reports every exchange and every rate-limiter wait on the diagnostics channels, so
// metrics can count 429s and retries without the client knowing about Prometheus.
import { MockAgent } from 'undici'
import { subscribe, type ChannelMessages } from '../../../src/ops/channels'
import { createPersonioClient } from '../../../src/personio'
import { RateLimiter } from '../../../src/personio/rate-limit'

const origin = 'https://api.personio.test'
type Request = ChannelMessages['personio-kafka:personio:request']
type Wait = ChannelMessages['personio-kafka:personio:rate-limit-wait']

describe('personio > diagnostics channels', () => {
  it('publishes each attempt with its status, marking retried attempts', async () => {
    const seen: Request[] = []
    const off = subscribe('personio-kafka:personio:request', (m) => seen.push(m))
    const agent = new MockAgent()
    agent.disableNetConnect()
    const pool = agent.get(origin)
    pool
      .intercept({ path: '/v1/auth', method: 'POST' })
      .reply(200, { success: true, data: { token: 't', expires_in: 86400 } })
    pool
      .intercept({ path: '/v1/company/document-categories', method: 'GET' })
      .reply(429, { success: false, error: { code: 429, message: 'slow down' } })
    pool
      .intercept({ path: '/v1/company/document-categories', method: 'GET' })
      .reply(200, { success: true, data: [] })
    const client = createPersonioClient({
      baseUrl: origin,
      credentials: { clientId: 'id', clientSecret: 's' },
      dispatcher: agent,
      sleep: async () => undefined,
      random: () => 0,
      retry: { maxAttempts: 3 },
    })
    await client.documentCategories.list()
    off()
    expect(seen.map(({ endpoint, status, retry }) => ({ endpoint, status, retry }))).toEqual([
      { endpoint: '/v1/auth', status: 200, retry: false },
      { endpoint: '/v1/company/document-categories', status: 429, retry: false },
      { endpoint: '/v1/company/document-categories', status: 200, retry: true },
    ])
    agent.assertNoPendingInterceptors()
  })

  it('publishes how long a request waited for its rate-limit token', async () => {
    let now = 0
    const limiter = new RateLimiter(
      { now: () => now, sleep: async (ms) => void (now += ms) },
      { limits: { v1: { rate: 2, burst: 1 } } },
    )
    const waits: Wait[] = []
    const off = subscribe('personio-kafka:personio:rate-limit-wait', (m) => waits.push(m))
    await limiter.acquire('v1')
    await limiter.acquire('v1')
    off()
    expect(waits).toEqual([
      { family: 'v1', waitMs: 0 },
      { family: 'v1', waitMs: 500 },
    ])
  })
})
