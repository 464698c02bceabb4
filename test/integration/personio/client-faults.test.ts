// The client under Personio's failure modes, against the simulator: listings that change between
// pages, tokens that expire mid-run, rate limits, 429 and 5xx storms, rotating tokens, bad bodies.
import { AuthError, PersonioHttpError } from '../../../src/errors'
import { collect, createPersonioClient, type PersonioClient } from '../../../src/personio'
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator'

const credentials = { clientId: 'sim-client', clientSecret: 'sim-secret' }
const fastRetry = {
  minDelayMs: 5,
  maxDelayMs: 50,
  minRateLimitDelayMs: 20,
  maxAttempts: 6,
  maxElapsedMs: 10_000,
}

async function withSim(
  options: SimulatorOptions,
  fn: (sim: RunningSimulator, client: PersonioClient) => Promise<void>,
  retry = fastRetry,
) {
  const sim = await startSimulator(options)
  try {
    await fn(sim, createPersonioClient({ baseUrl: sim.url, credentials, retry }))
  } finally {
    await sim.close()
  }
}

const ids = (rows: { attributes: { id?: { value: unknown } } }[]) =>
  rows.map((e) => e.attributes.id?.value as number)

describe('personio > client under faults', () => {
  it('shows when records are deleted mid-listing, and loses no live record to the shift', async () => {
    await withSim({ employees: 250, rateLimits: false }, async (sim, client) => {
      const seen: number[] = []
      const shifted: string[] = []
      let deleted: number | undefined
      for await (const page of client.employees.list()) {
        seen.push(...ids(page.items))
        if (page.shifted !== undefined) shifted.push(page.shifted)
        if (deleted === undefined) {
          deleted = sim.company.list('employees')[10]?.id as number
          sim.company.remove('employees', deleted) // shifts every later record one offset down
        }
      }
      // the page after the delete did not start with the row the one before ended on: it says so,
      // and it is kept whole, so the record that slid across the boundary is still listed
      expect(shifted).toHaveLength(1)
      const now = sim.company.list('employees').map((e) => e.id)
      expect(now.filter((id) => !seen.includes(id))).toEqual([])
      const rescan = ids(await collect(client.employees.list()))
      expect(rescan).toEqual(now)
    })
  })

  it('refreshes an expired token once and finishes the listing', async () => {
    await withSim({ employees: 300, rateLimits: false, tokenTtlSeconds: 3600 }, async (sim, client) => {
      let pages = 0
      for await (const _page of client.employees.list()) {
        if (++pages === 1) sim.company.clock.advance(2 * 3600 * 1000) // the token dies mid-run
      }
      expect(pages).toBe(4) // 300 rows in pages of 100 that overlap by one row
      const auths = sim.log.filter((l) => l.path === '/v1/auth')
      expect(auths).toHaveLength(2)
      expect(sim.log.filter((l) => l.status === 401)).toHaveLength(1)
    })
  })

  it('sends one auth request however many calls wait for a token', async () => {
    await withSim({ employees: 5, rateLimits: false }, async (sim, client) => {
      await Promise.all(Array.from({ length: 10 }, () => client.documentCategories.list()))
      expect(sim.log.filter((l) => l.path === '/v1/auth')).toHaveLength(1)
    })
  })

  it('works with a server that rotates one-time tokens', async () => {
    await withSim({ employees: 120, rateLimits: false, legacyRotatingTokens: true }, async (sim, client) => {
      expect(await collect(client.employees.list({ limit: 20 }))).toHaveLength(120)
      expect(sim.log.filter((l) => l.status === 401)).toHaveLength(0)
    })
  })

  it('keeps a burst under the rate limit: zero 429s', async () => {
    await withSim(
      { employees: 2500, rateLimits: true },
      async (sim, client) => {
        // 25 pages of 100 > the 15-request burst: the limiter must pace to 5/s.
        const rows = await collect(client.employees.list())
        expect(rows).toHaveLength(2500)
        expect(sim.counters()['429'] ?? 0).toBe(0)
      },
      { ...fastRetry, maxAttempts: 1 },
    )
  }, 30_000)

  it('rides out a 429 storm and a 5xx storm', async () => {
    await withSim(
      { employees: 250, rateLimits: false },
      async (sim, client) => {
        sim.faults.inject({ path: '/v1/company/employees', status: 429, times: 3 })
        sim.faults.inject({ path: '/v1/company/employees', status: 503, times: 2 })
        sim.faults.inject({
          path: '/v1/company/employees',
          status: 502,
          times: 1,
          german: true,
          codeZero: true,
        })
        expect(await collect(client.employees.list())).toHaveLength(250)
        expect(sim.log.filter((l) => l.status >= 429).length).toBe(6)
      },
      { ...fastRetry, maxAttempts: 8 },
    )
  })

  it('gives up with a clear error when the faults never stop', async () => {
    await withSim({ employees: 5, rateLimits: false }, async (sim, client) => {
      sim.faults.inject({ path: '/v1/company/document-categories', status: 504 })
      const failure = client.documentCategories.list()
      await expect(failure).rejects.toBeInstanceOf(PersonioHttpError)
      await expect(client.documentCategories.list()).rejects.toThrow(
        /document-categories failed: 504 .*gave up after 6 attempts/,
      )
    })
  })

  it('times out a slow response and retries it', async () => {
    const sim = await startSimulator({ employees: 5, rateLimits: false })
    try {
      // undici's timers tick about once a second: a 200 ms timeout fires after about 1 s, so the
      // slow answer comes well after that (with 1 s it raced the timer and won under load).
      const client = createPersonioClient({ baseUrl: sim.url, credentials, retry: fastRetry, timeoutMs: 200 })
      sim.faults.inject({ path: '/v1/company/document-categories', delayMs: 3_000, times: 2 })
      expect(await client.documentCategories.list()).toHaveLength(sim.company.count('documentCategories'))
      sim.faults.inject({ path: '/v1/company/document-categories', delayMs: 3_000 })
      await expect(client.documentCategories.list()).rejects.toThrow(
        /did not answer: .*gave up after 6 attempts/,
      )
    } finally {
      await sim.close()
    }
  })

  it('retries a truncated JSON body, and does not retry a 404', async () => {
    await withSim({ employees: 5, rateLimits: false }, async (sim, client) => {
      sim.faults.inject({ path: '/v1/company/time-off-types', malformed: true, times: 1 })
      expect((await collect(client.timeOffTypes.list())).length).toBe(sim.company.count('timeOffTypes'))
      const before = sim.log.length
      await expect(client.employees.get(424242)).rejects.toThrow(/404 Es ist ein Problem aufgetreten/)
      expect(sim.log.length - before).toBe(1)
    })
  })

  it('reports bad credentials as an AuthError that says what to check', async () => {
    const sim = await startSimulator({ employees: 1, rateLimits: false })
    try {
      const client = createPersonioClient({
        baseUrl: sim.url,
        credentials: { clientId: 'sim-client', clientSecret: 'wrong' },
        retry: fastRetry,
      })
      await expect(client.documentCategories.list()).rejects.toBeInstanceOf(AuthError)
      await expect(client.attendancePeriods.list()[Symbol.asyncIterator]().next()).rejects.toThrow(
        /PERSONIO_CLIENT_SECRET/,
      )
    } finally {
      await sim.close()
    }
  })
})
