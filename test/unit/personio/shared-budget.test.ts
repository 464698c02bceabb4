import { documentedLimits } from '../../../src/personio/rate-families'
import { createSharedBudget } from '../../../src/personio/shared-budget'
import { VirtualTime } from '../../support/virtual-personio'

// Personio's documented v1 budget: 2,000/min per IP, a second's worth of burst
const v1 = documentedLimits['v1-global']
const interval = 1000 / v1.rate

describe('personio > shared-budget', () => {
  it("keeps a company's single change moving while another's first sync drains 600 requests", async () => {
    const time = new VirtualTime()
    const budget = createSharedBudget(time, v1)
    let aLeft = 600
    const waits: { ms: number; aLeft: number }[] = []
    await time.run(
      Promise.all([
        // company A's first sync: everything queued at once
        ...Array.from({ length: 600 }, () => budget.take('a').then(() => (aLeft -= 1))),
        // company B: one change every 5 s
        (async () => {
          for (let i = 0; i < 3; i++) {
            const asked = time.now()
            await budget.take('b')
            waits.push({ ms: time.now() - asked, aLeft })
            await time.sleep(5000)
          }
        })(),
      ]),
    )
    // A was still draining each time B was served, and B waited a couple of token intervals at most
    expect(waits.map((w) => w.aLeft > 0)).toEqual([true, true, true])
    expect(Math.max(...waits.map((w) => w.ms))).toBeLessThanOrEqual(3 * interval)
  })

  it('never hands out more than the bucket allows, over any second, however many companies ask', async () => {
    const time = new VirtualTime()
    const budget = createSharedBudget(time, v1)
    const grants: number[] = []
    const take = (tenant: string) => budget.take(tenant).then(() => grants.push(time.now()))
    await time.run(
      Promise.all([
        ...Array.from({ length: 400 }, () => take('a')),
        time.sleep(2000).then(() => Promise.all(Array.from({ length: 200 }, () => take('b')))),
        (async () => {
          for (let i = 0; i < 20; i++) {
            await take('c')
            await time.sleep(700)
          }
        })(),
      ]),
    )
    expect(grants).toHaveLength(620)
    // the token bucket's bound at every moment: its burst, then its rate
    for (const [i, at] of grants.entries())
      expect(i + 1).toBeLessThanOrEqual(v1.burst + (at / 1000) * v1.rate)
    const perSecond = new Map<number, number>()
    for (const at of grants)
      perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1)
    const [first, ...rest] = [...perSecond.entries()].sort(([a], [b]) => a - b).map(([, n]) => n)
    expect(first).toBeLessThanOrEqual(v1.burst + v1.rate)
    for (const n of rest) expect(n).toBeLessThanOrEqual(Math.ceil(v1.rate))
  })

  it("a 429 for one company holds back every company's next request", async () => {
    const time = new VirtualTime()
    const budget = createSharedBudget(time, { rate: 10, burst: 5 })
    await time.run(budget.take('a'))
    // tokens are left in our bucket, but Personio's (per IP) said no
    budget.emptied()
    const waited = await time.run(budget.take('b'))
    expect(waited).toBe(true)
    expect(time.now()).toBe(100)
  })

  it('takes a stopping company out of the queue at once: its turn goes to the others', async () => {
    const time = new VirtualTime()
    const budget = createSharedBudget(time, { rate: 1, burst: 1 })
    await time.run(budget.take('a'))
    const stop = new AbortController()
    const granted: string[] = []
    const a = budget.take('a').then(() => granted.push(`a@${time.now()}`))
    const b = budget.take('b', stop.signal)
    const c = budget.take('c').then(() => granted.push(`c@${time.now()}`))
    expect(budget.tenants()).toBe(3)
    stop.abort(new Error('company b stops'))
    await expect(b).rejects.toThrow('company b stops')
    expect(budget.tenants()).toBe(2)
    await time.run(Promise.all([a, c]))
    expect(granted).toEqual(['a@1000', 'c@2000'])
    expect(budget.tenants()).toBe(0)
  })

  it("one company stopping does not end the others' waits", async () => {
    const time = new VirtualTime()
    const budget = createSharedBudget(time, { rate: 1, burst: 1 })
    await time.run(budget.take('a'))
    const stop = new AbortController()
    const stopped = Array.from({ length: 5 }, () => budget.take('a', stop.signal).catch(() => 'stopped'))
    const other = budget.take('b')
    stop.abort()
    expect(await Promise.all(stopped)).toEqual(Array(5).fill('stopped'))
    expect(await time.run(other)).toBe(true)
    expect(time.now()).toBe(1000)
  })

  it('refuses a take whose company has already stopped, without spending a token', async () => {
    const time = new VirtualTime()
    const budget = createSharedBudget(time, { rate: 1, burst: 1 })
    await expect(budget.take('a', AbortSignal.abort(new Error('stopped')))).rejects.toThrow('stopped')
    expect(await time.run(budget.take('b'))).toBe(false)
  })

  it('leaves no sleep behind once the last waiter has gone', async () => {
    const sleeps: AbortSignal[] = []
    const budget = createSharedBudget(
      {
        now: () => 0,
        sleep: (_ms, signal) => {
          if (signal !== undefined) sleeps.push(signal)
          return new Promise<void>(() => undefined)
        },
      },
      { rate: 1, burst: 1 },
    )
    await budget.take('a')
    const stop = new AbortController()
    const waiting = budget.take('a', stop.signal).catch(() => 'stopped')
    expect(sleeps.map((s) => s.aborted)).toEqual([false])
    stop.abort()
    expect(await waiting).toBe('stopped')
    expect(sleeps.map((s) => s.aborted)).toEqual([true])
  })

  it('refuses a budget that could never hand out a token, in one line', () => {
    expect(() => createSharedBudget(new VirtualTime(), { rate: 0, burst: 1 })).toThrow(
      'a shared budget needs a rate above 0 and a burst of at least 1, got 0/1',
    )
  })
})
