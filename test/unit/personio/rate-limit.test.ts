import { subscribe } from '../../../src/ops/channels'
import { RateLimiter, type RateLimiterOptions } from '../../../src/personio/rate-limit'
import { StoppingError } from '../../../src/errors'
import type { LearnedFamily } from '../../../src/personio/rate-families'
import { createSharedBudget } from '../../../src/personio/shared-budget'
import { HiddenBucket, VirtualTime } from '../../support/virtual-personio'

/** Time that moves by each sleep, for one caller at a time. */
function virtualTime() {
  let now = 0
  return {
    timing: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms
      },
    },
    at: () => now,
  }
}

describe('personio > rate-limit', () => {
  it('lets the burst through, then paces employees to 5 per second (300/min)', async () => {
    const t = virtualTime()
    // told figures: what the headers say is kept, nothing is learned
    const limiter = new RateLimiter(t.timing)
    const told = { 'x-ratelimit-replenish-rate': '5', 'x-ratelimit-burst-capacity': '15' }
    for (let i = 0; i < 15; i++) limiter.answered(await limiter.acquire('employees'), 200, told)
    expect(t.at()).toBe(0)
    for (let i = 0; i < 10; i++) limiter.answered(await limiter.acquire('employees'), 200, told)
    expect(t.at()).toBe(2000)
  })

  it('adopts the server headers and never believes more than the server says remains', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter(t.timing)
    limiter.answered(await limiter.acquire('v2'), 200, {
      'x-ratelimit-replenish-rate': '2',
      'x-ratelimit-burst-capacity': '4',
      'x-ratelimit-remaining': '0',
    })
    await limiter.acquire('v2')
    expect(t.at()).toBe(500)
  })

  it('keeps a configured figure as a ceiling: the headers may lower the pace, never raise it', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter(t.timing, { limits: { v2: { rate: 1, burst: 1 } } })
    const headers = { 'x-ratelimit-replenish-rate': '10', 'x-ratelimit-burst-capacity': '10' }
    for (let i = 0; i < 3; i++) limiter.answered(await limiter.acquire('v2'), 200, headers)
    expect(t.at()).toBe(2000) // 1 per second, as configured, not the 10 the server allows
    limiter.answered(await limiter.acquire('v2'), 200, { ...headers, 'x-ratelimit-replenish-rate': '0.5' })
    await limiter.acquire('v2')
    expect(t.at()).toBe(5000) // the server's lower figure wins
  })

  it('serves concurrent callers in order, one token each', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter(t.timing, { limits: { v1: { rate: 1, burst: 1 } } })
    const order: number[] = []
    await Promise.all([0, 1, 2].map((i) => limiter.acquire('v1').then(() => order.push(i))))
    expect(order).toEqual([0, 1, 2])
    expect(t.at()).toBe(2000)
  })

  it('counts every v1 request against the v1-wide budget of 2,000/min as well as its own family', async () => {
    const t = virtualTime()
    const limiter = new RateLimiter(t.timing, {
      limits: { 'v1-global': { rate: 2, burst: 2 } },
      ceilings: { employees: 100, balances: 100, v1: 100 },
    })
    await limiter.acquire('employees')
    await limiter.acquire('balances')
    await limiter.acquire('v1')
    expect(t.at()).toBe(500) // each family had tokens; all of v1 together had two
    await limiter.acquire('v2')
    expect(t.at()).toBe(500) // v2 is not v1
  })
})

/**
 * A first sync against an endpoint whose limit Personio does not tell: requests in windows of four
 * (as the balance stage reads parents), 20 ms of latency, a 429 retried a second later (no
 * Retry-After). The outcome is the algorithm's, in virtual time: no wall clock is involved.
 */
async function firstSync(
  hidden: { rate: number; burst: number },
  requests: number,
  options: RateLimiterOptions = {},
  family: LearnedFamily = 'balances',
) {
  const time = new VirtualTime()
  const server = new HiddenBucket(time, hidden.rate, hidden.burst)
  const limiter = new RateLimiter({ now: time.now, sleep: time.sleep }, options)
  const one = async () => {
    for (;;) {
      const grant = await limiter.acquire(family)
      const status = server.take()
      await time.sleep(20)
      limiter.answered(grant, status, {})
      if (status !== 429) return
      await time.sleep(1000)
    }
  }
  await time.run(
    (async () => {
      for (let i = 0; i < requests; i += 4)
        await Promise.all(Array.from({ length: Math.min(4, requests - i) }, one))
    })(),
  )
  // the floor: the hidden bucket's burst at once, the rest at its rate
  const floorMs = (Math.max(0, requests - hidden.burst) / hidden.rate) * 1000
  return {
    ratio: time.now() / floorMs,
    limitedShare: server.answers.limited / requests,
    learned: limiter.learned()[family],
    limiter,
    time,
  }
}

describe('personio > rate-limit > learned when Personio does not tell', () => {
  it('climbs to a hidden limit twice the starting figure: within 10 % of the floor, at most 2 % answered 429', async () => {
    const run = await firstSync({ rate: 10, burst: 30 }, 2000)
    expect(run.ratio).toBeLessThan(1.1)
    expect(run.limitedShare).toBeLessThanOrEqual(0.02)
    expect(run.learned?.rate).toBeGreaterThan(8.5)
    expect(run.learned?.rate).toBeLessThan(12)
  })

  it('backs off to a hidden limit half the starting figure: within 10 % of the floor, at most 2 % answered 429', async () => {
    const run = await firstSync({ rate: 2.5, burst: 8 }, 2000)
    expect(run.ratio).toBeLessThan(1.1)
    expect(run.limitedShare).toBeLessThanOrEqual(0.02)
    expect(run.learned?.rate).toBeGreaterThan(2)
    expect(run.learned?.rate).toBeLessThan(3)
  })

  it('never climbs above its ceiling, however much Personio would allow', async () => {
    const paces: number[] = []
    const off = subscribe('personio-kafka:personio:rate-limit', (e) => {
      if (e.family === 'employees') paces.push(e.perSecond)
    })
    const run = await firstSync({ rate: 100, burst: 100 }, 600, { ceilings: { employees: 8 } }, 'employees')
    off()
    expect(Math.max(...paces)).toBe(8)
    expect(run.learned?.rate).toBe(8)
    // 15 at once, the rest at no more than 8/s
    expect(run.time.now()).toBeGreaterThanOrEqual(((600 - 15) / 8) * 1000)
  })

  it('a configured figure is the ceiling of its family unless PERSONIO_RATE_CEILINGS names it', async () => {
    const capped = await firstSync(
      { rate: 100, burst: 100 },
      300,
      { limits: { v1: { rate: 3, burst: 6 } } },
      'v1',
    )
    expect(capped.learned?.rate).toBe(3)
    const free = await firstSync(
      { rate: 100, burst: 100 },
      300,
      { limits: { v1: { rate: 3, burst: 6 } }, ceilings: { v1: 12 } },
      'v1',
    )
    expect(free.learned?.rate).toBe(12)
  })

  it('rises only while requests queue: a pace nobody uses proves nothing', async () => {
    const t = new VirtualTime()
    const limiter = new RateLimiter({ now: t.now, sleep: t.sleep })
    // one request every two seconds for ten minutes: far below 5/s, never waiting for a token
    await t.run(
      (async () => {
        for (let i = 0; i < 300; i++) {
          limiter.answered(await limiter.acquire('balances'), 200, {})
          await t.sleep(2000)
        }
      })(),
    )
    expect(limiter.learned().balances?.rate).toBe(5)
  })

  it('never probes the auth endpoints: their figures stay the documented ones', async () => {
    const t = new VirtualTime()
    const limiter = new RateLimiter({ now: t.now, sleep: t.sleep })
    const paces: { family: string; perSecond: number }[] = []
    const off = subscribe('personio-kafka:personio:rate-limit', (e) => paces.push(e))
    await t.run(
      Promise.all(
        Array.from({ length: 200 }, async () => limiter.answered(await limiter.acquire('v1-auth'), 200, {})),
      ),
    )
    off()
    // 60 at once, then one a second: 140 seconds for the other 140
    expect(t.now()).toBe(140_000)
    expect(paces.filter((p) => p.family === 'v1-auth')).toEqual([
      { family: 'v1-auth', perSecond: 1, why: 'start' },
    ])
    expect(limiter.learned()).toEqual({})
  })

  it('follows the x-ratelimit-* headers where they come, capped by the ceiling, and learns nothing meanwhile', async () => {
    const t = new VirtualTime()
    const limiter = new RateLimiter({ now: t.now, sleep: t.sleep }, { ceilings: { 'v2-persons': 20 } })
    const told = { 'x-ratelimit-replenish-rate': '12', 'x-ratelimit-burst-capacity': '12' }
    await t.run(
      (async () => {
        for (let i = 0; i < 120; i++) limiter.answered(await limiter.acquire('v2-persons'), 200, told)
      })(),
    )
    expect(limiter.learned()['v2-persons']).toEqual({ rate: 12, burst: 12 })
    // a 429 while told: their bucket is empty, but the figure they state still holds
    const answer = async (status: number, headers: Record<string, string>) =>
      t.run(limiter.acquire('v2-persons').then((grant) => limiter.answered(grant, status, headers)))
    await answer(429, { ...told, 'x-ratelimit-remaining': '0' })
    expect(limiter.learned()['v2-persons']?.rate).toBe(12)
    await answer(200, { ...told, 'x-ratelimit-replenish-rate': '40' })
    expect(limiter.learned()['v2-persons']?.rate).toBe(20)
  })

  it('starts from a figure restored from an earlier run, capped by a ceiling lowered since', async () => {
    const t = virtualTime()
    // employees at its ceiling: no rise while queued blurs the figure
    const limiter = new RateLimiter(t.timing, { ceilings: { balances: 6, employees: 2.5 } })
    limiter.restore({ balances: { rate: 9, burst: 3, height: 10 }, employees: { rate: 2.5, burst: 2 } })
    expect(limiter.learned()).toEqual({
      balances: { rate: 6, burst: 2, height: 10 },
      employees: { rate: 2.5, burst: 2 },
    })
    // the restored burst and pace hold from the first request on
    for (let i = 0; i < 4; i++) await limiter.acquire('employees')
    expect(t.at()).toBe(800)
  })

  it('learns again after a restart from where the last run left, without relearning from the start', async () => {
    const first = await firstSync({ rate: 2.5, burst: 8 }, 1000)
    const learned = first.limiter.learned()
    const restart = async (restored: typeof learned) => {
      const time = new VirtualTime()
      const server = new HiddenBucket(time, 2.5, 8)
      const limiter = new RateLimiter({ now: time.now, sleep: time.sleep })
      limiter.restore(restored)
      await time.run(
        (async () => {
          for (let i = 0; i < 300; i++) limiter.answered(await limiter.acquire('balances'), server.take(), {})
        })(),
      )
      return server.answers.limited
    }
    const fresh = await restart({})
    const restored = await restart(learned)
    // from 5/s a fresh start needs several 429s to come down; the restored pace is there already
    expect(fresh).toBeGreaterThanOrEqual(4)
    expect(restored).toBeLessThanOrEqual(2)
  })

  it('backs off at once on a 429 and says so, once for the requests already in flight', async () => {
    const t = virtualTime()
    // at its ceiling already: no rise blurs the figure
    const limiter = new RateLimiter(t.timing, { limits: { v1: { rate: 20, burst: 1 } } })
    const why: string[] = []
    const off = subscribe('personio-kafka:personio:rate-limit', (e) => {
      if (e.family === 'v1') why.push(`${e.why} ${e.perSecond}`)
    })
    const grants = []
    for (let i = 0; i < 5; i++) grants.push(await limiter.acquire('v1'))
    const [a, b] = grants.slice(-2)
    if (a === undefined || b === undefined) throw new Error('no grants')
    limiter.answered(a, 429, {})
    limiter.answered(b, 429, {})
    off()
    expect(why.filter((w) => w.startsWith('back-off'))).toEqual(['back-off 16'])
    expect(limiter.learned().v1?.rate).toBe(16)
  })
})

describe('personio > rate-limit > the v1 budget shared by the companies of one process', () => {
  /** Two companies' clients on one budget of 2 v1 requests a second; their own v1-wide buckets nearly shut. */
  function twoCompanies(budgetSpec = { rate: 2, burst: 2 }) {
    const t = virtualTime()
    const budget = createSharedBudget(t.timing, budgetSpec)
    const options = (tenant: string): RateLimiterOptions => ({
      limits: { 'v1-global': { rate: 0.001, burst: 1 } },
      ceilings: { employees: 100, balances: 100, v1: 100 },
      v1Budget: { budget, tenant },
    })
    return { t, a: new RateLimiter(t.timing, options('a')), b: new RateLimiter(t.timing, options('b')) }
  }

  it("draws every v1 family's v1-wide token from the shared budget, and no v2 family's", async () => {
    const { t, a, b } = twoCompanies()
    await a.acquire('employees')
    await b.acquire('v1')
    expect(t.at()).toBe(0) // two between them: the budget's burst, not a bucket of each one's own
    await a.acquire('balances')
    expect(t.at()).toBe(500) // a waits for b's share too
    for (let i = 0; i < 5; i++) await b.acquire('v2')
    expect(t.at()).toBe(500) // v2 is not v1
  })

  it("a 429 on one company's v1 request holds back the other company's next one; a v2 429 does not", async () => {
    const { t, a, b } = twoCompanies({ rate: 10, burst: 10 })
    a.answered(await a.acquire('v2'), 429, {})
    await b.acquire('employees')
    expect(t.at()).toBe(0)
    a.answered(await a.acquire('v1'), 429, {})
    await b.acquire('employees')
    expect(t.at()).toBe(100)
  })

  it("a company that stops leaves the shared queue with a StoppingError; the other's requests go on", async () => {
    const time = new VirtualTime()
    const timing = { now: time.now, sleep: time.sleep }
    const budget = createSharedBudget(timing, { rate: 1, burst: 1 })
    const stop = new AbortController()
    const a = new RateLimiter(timing, { v1Budget: { budget, tenant: 'a', signal: stop.signal } })
    const b = new RateLimiter(timing, { v1Budget: { budget, tenant: 'b' } })
    await time.run(a.acquire('v1'))
    const stopped = a.acquire('v1')
    const going = b.acquire('v1')
    await time.run(Promise.resolve())
    stop.abort()
    await expect(stopped).rejects.toBeInstanceOf(StoppingError)
    await time.run(going)
    expect(time.now()).toBe(1000)
  })
})
