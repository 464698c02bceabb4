// Personio documents no limit for the per-employee balance reads and sends no x-ratelimit-* headers
// for them: the client must learn the pace from the 429s alone. Against the simulator with the
// balance family's limit hidden (below the documented starting figure of 5/s, then above it), on
// the wall clock, reading balances as the balance stage does (four at a time, retrying a 429 after
// Personio's one second).
import { request } from 'undici'
import { createPersonioClient, type PersonioClient } from '../../../src/personio'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'

const credentials = { clientId: 'sim-client', clientSecret: 'sim-secret' }

async function readBalances(
  hidden: { rate: number; burst: number },
  reads: number,
): Promise<{ sim: RunningSimulator; client: PersonioClient; seconds: number; limited: number }> {
  const sim = await startSimulator({ employees: 50, hiddenLimits: { balances: hidden } })
  const client = createPersonioClient({ baseUrl: sim.url, credentials })
  const ids = sim.company.list('employees').map((e) => Number(e.id))
  const started = Date.now()
  for (let i = 0; i < reads; i += 4)
    await Promise.all(
      Array.from({ length: Math.min(4, reads - i) }, (_, j) =>
        client.employees.absenceBalance(ids[(i + j) % ids.length] as number),
      ),
    )
  return {
    sim,
    client,
    seconds: (Date.now() - started) / 1000,
    limited: sim.counters()['balances 429'] ?? 0,
  }
}

describe('personio > rate limits learned from 429s (hidden limits)', () => {
  it('backs off to a hidden limit half the documented figure, with few 429s', async () => {
    const run = await readBalances({ rate: 2.5, burst: 8 }, 120)
    try {
      const pace = run.client.http.rateLimits.learned().balances?.rate ?? 0
      // the balances answers carried no headers: the figure was learned
      expect(run.sim.log.some((e) => e.path.endsWith('/absences/balance'))).toBe(true)
      expect(pace).toBeGreaterThan(2.5 * 0.75)
      expect(pace).toBeLessThan(2.5 * 1.25)
      // coming down from 5/s costs a few 429s (the first window of four meets the smaller hidden
      // burst at once); after that they are rare. Without the back-off it is every other read.
      expect(run.limited).toBeLessThanOrEqual(12)
      // and the reads went at the hidden pace: its burst, then 2.5/s, give or take the retries
      expect(run.seconds).toBeLessThan(((120 - 8) / 2.5) * 1.15)
    } finally {
      await run.sim.close()
    }
  }, 120_000)

  it('rises to a hidden limit twice the documented figure', async () => {
    const run = await readBalances({ rate: 10, burst: 30 }, 240)
    try {
      const pace = run.client.http.rateLimits.learned().balances?.rate ?? 0
      expect(pace).toBeGreaterThan(5 * 1.5)
      expect(pace).toBeLessThan(10 * 1.5)
      expect(run.limited).toBeLessThanOrEqual(8)
      // at the documented 5/s the 240 reads would take 45 s
      expect(run.seconds).toBeLessThan((240 - 15) / 5)
    } finally {
      await run.sim.close()
    }
  }, 120_000)

  it('hides a family over the control API while running, and tells it again once un-hidden', async () => {
    const sim = await startSimulator({ employees: 3 })
    try {
      const put = async (hidden: unknown) =>
        request(`${sim.url}/_sim/rate-limits`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ hidden }),
        })
      const auth = await request(`${sim.url}/v1/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'sim-client', client_secret: 'sim-secret' }),
      })
      const token = ((await auth.body.json()) as { data: { token: string } }).data.token
      const id = Number(sim.company.list('employees')[0]?.id)
      const balanceHeaders = async () => {
        const res = await request(`${sim.url}/v1/company/employees/${id}/absences/balance`, {
          headers: { authorization: `Bearer ${token}` },
        })
        await res.body.text()
        return res.headers['x-ratelimit-replenish-rate']
      }
      expect(await balanceHeaders()).toBe('5')
      const hidden = await put({ balances: { rate: 1, burst: 1 } })
      expect(await hidden.body.json()).toEqual({ hidden: { balances: { rate: 1, burst: 1 } } })
      expect(await balanceHeaders()).toBeUndefined()
      const bad = await put({ nope: { rate: 1 } })
      expect(bad.statusCode).toBe(400)
      await bad.body.text()
      await (await put({})).body.text()
      expect(await balanceHeaders()).toBe('5')
    } finally {
      await sim.close()
    }
  })
})
