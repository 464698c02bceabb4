// The supervisor's rules, in memory: a rebalance touches only the companies that move, one
// company's failure is its own and is retried, a changed file restarts that company alone, and a
// stop waits for every company's transaction.
import type { Company } from '../../../src/companies/company'
import { AuthError, FencedError, KafkaError } from '../../../src/errors'
import { createSupervisor, type CompanyRun, type CompanyState } from '../../../src/workers/supervisor'

const company = (id: string, version = 1): Company => ({
  spec: { id, prefix: id, personio: { clientId: `${id}-client`, clientSecretFile: `${id}.secret` } },
  file: `${id}.json`,
  clientSecret: 'secret',
  fingerprint: `${id}@${version}`,
})

const companies = (...list: Company[]) => new Map(list.map((c) => [c.spec.id, c]))

/** A fake engine per start: the log says who started and stopped, in order. */
function world(
  opts: {
    refuse?: (c: Company) => boolean
    /** these starts meet a busy broker (a retriable error) */
    busy?: (c: Company) => boolean
    gate?: Promise<void>
    stopGate?: () => Promise<void>
    /** these starts wait out an outage that does not end: until the supervisor abandons them */
    outage?: (c: Company) => boolean
  } = {},
) {
  const log: string[] = []
  const runs = new Map<string, { run: CompanyRun; end: (error: unknown) => void }>()
  let now = 0
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = []
  const changes: CompanyState[] = []
  const supervisor = createSupervisor({
    runner: async (c, abandon) => {
      log.push(`start ${c.fingerprint}`)
      if (opts.outage?.(c) === true)
        await new Promise((_, reject) =>
          abandon.addEventListener('abort', () => reject(new Error('the start was abandoned'))),
        )
      await (opts.gate ?? Promise.resolve())
      if (opts.refuse?.(c) === true) throw new AuthError(`Personio refused the credentials of ${c.spec.id}`)
      if (opts.busy?.(c) === true)
        throw new KafkaError(`Cannot connect the producer ${c.spec.id}: the request timed out`, {
          retriable: true,
        })
      let end: (error: unknown) => void = () => undefined
      const ended = new Promise<{ error: unknown }>((resolve) => (end = (error) => resolve({ error })))
      const run: CompanyRun = {
        ended,
        busy: () => [],
        stop: async () => {
          await (opts.stopGate?.() ?? Promise.resolve())
          log.push(`stop ${c.fingerprint}`)
        },
      }
      runs.set(c.fingerprint, { run, end })
      return run
    },
    retryMs: 1_000,
    transientRetryMs: 100,
    retryMaxMs: 4_000,
    fencedRetryMs: 100,
    now: () => now,
    after: (ms, fn) => {
      const timer = { at: now + ms, fn, cancelled: false }
      timers.push(timer)
      return () => void (timer.cancelled = true)
    },
    onChange: (s) => changes.push(s),
  })
  const advance = (ms: number) => {
    now += ms
    for (const t of timers.filter((t) => !t.cancelled && t.at <= now)) {
      t.cancelled = true
      t.fn()
    }
  }
  const phases = () => Object.fromEntries(supervisor.states().map((s) => [s.id, s.phase]))
  return { supervisor, log, runs, advance, phases, changes }
}

describe('workers > supervisor', () => {
  it('starts what is new and stops what left, leaving the companies that stay put running', async () => {
    const w = world()
    w.supervisor.reconcile(companies(company('acme'), company('globex')))
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'running', globex: 'running' })
    w.log.length = 0
    // a rebalance: acme moved to another worker, initech came here, globex stayed
    w.supervisor.reconcile(companies(company('globex'), company('initech')))
    await w.supervisor.settled()
    expect(w.log.sort()).toEqual(['start initech@1', 'stop acme@1'])
    expect(w.phases()).toEqual({ globex: 'running', initech: 'running' })
    expect(w.changes.filter((c) => c.id === 'acme').map((c) => c.phase)).toEqual([
      'starting',
      'running',
      'stopping',
      'stopped',
    ])
  })

  it('fails only the company whose start is refused, and retries it on a doubling back-off', async () => {
    let refuse = true
    const w = world({ refuse: (c) => c.spec.id === 'bad' && refuse })
    w.supervisor.reconcile(companies(company('good'), company('bad')))
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ bad: 'failed', good: 'running' })
    const bad = w.supervisor.states().find((s) => s.id === 'bad')
    expect(bad?.error).toEqual({ code: 'PK_AUTH', message: 'Personio refused the credentials of bad' })
    expect(bad?.retryAtMs).toBe(1_000)
    w.advance(1_000)
    await w.supervisor.settled()
    // the retry said why the last try failed until it had an outcome of its own
    const starts = w.changes.filter((c) => c.id === 'bad' && c.phase === 'starting')
    expect(starts.map((c) => c.error?.code)).toEqual([undefined, 'PK_AUTH'])
    // still refused: the next try waits twice as long
    expect(w.supervisor.states().find((s) => s.id === 'bad')?.retryAtMs).toBe(3_000)
    refuse = false
    w.advance(1_999)
    await w.supervisor.settled()
    expect(w.phases().bad).toBe('failed')
    w.advance(1)
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ bad: 'running', good: 'running' })
    expect(w.log.filter((l) => l.startsWith('start bad'))).toHaveLength(3)
  })

  it('keeps a company refused for good at the longest wait, never back to the first', async () => {
    const w = world({ refuse: (c) => c.spec.id === 'bad' })
    w.supervisor.reconcile(companies(company('bad')))
    await w.supervisor.settled()
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      const state = w.supervisor.states()[0]
      const wait = (state?.retryAtMs ?? 0) - (state?.sinceMs ?? 0)
      waits.push(wait)
      // each start takes a while (an outage waited out at its preflight)
      w.advance(wait + 500)
      await w.supervisor.settled()
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 4_000, 4_000, 4_000])
  })

  it('tries a company that met a busy broker again soon, doubling; a refusal then waits the full back-off', async () => {
    let outcome: 'busy' | 'refused' | 'ok' = 'busy'
    const w = world({
      busy: (c) => c.spec.id === 'acme' && outcome === 'busy',
      refuse: (c) => c.spec.id === 'acme' && outcome === 'refused',
    })
    w.supervisor.reconcile(companies(company('acme')))
    await w.supervisor.settled()
    const acme = () => w.supervisor.states().find((s) => s.id === 'acme')
    expect(acme()).toMatchObject({ phase: 'failed', error: { code: 'PK_KAFKA' }, retryAtMs: 100 })
    w.advance(100)
    await w.supervisor.settled()
    // still busy: twice as long, still far from the back-off of a lasting failure
    expect(acme()).toMatchObject({ phase: 'failed', retryAtMs: 300 })
    outcome = 'refused'
    w.advance(200)
    await w.supervisor.settled()
    // a lasting failure after transient ones starts its own back-off, from its own first wait
    expect(acme()).toMatchObject({ phase: 'failed', error: { code: 'PK_AUTH' }, retryAtMs: 1_300 })
    outcome = 'ok'
    w.advance(1_000)
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'running' })
    expect(w.log.filter((l) => l.startsWith('start acme'))).toHaveLength(4)
  })

  it('tries a failed company again at once when its file changes', async () => {
    const w = world({ refuse: (c) => c.fingerprint === 'bad@1' })
    w.supervisor.reconcile(companies(company('bad')))
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ bad: 'failed' })
    w.supervisor.reconcile(companies(company('bad', 2)))
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ bad: 'running' })
    // the back-off of the old file does not start a second capture
    w.advance(10_000)
    await w.supervisor.settled()
    expect(w.log).toEqual(['start bad@1', 'start bad@2'])
  })

  it('restarts a company whose file changed, the old capture stopped before the new one starts', async () => {
    const w = world()
    w.supervisor.reconcile(companies(company('acme'), company('globex')))
    await w.supervisor.settled()
    w.log.length = 0
    w.supervisor.reconcile(companies(company('acme', 2), company('globex')))
    await w.supervisor.settled()
    expect(w.log).toEqual(['stop acme@1', 'start acme@2'])
  })

  it('marks a company failed when its capture ends on its own, and starts it again later', async () => {
    const w = world()
    w.supervisor.reconcile(companies(company('acme'), company('globex')))
    await w.supervisor.settled()
    w.runs.get('acme@1')?.end(new AuthError('credentials revoked'))
    await new Promise((r) => setImmediate(r))
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'failed', globex: 'running' })
    expect(w.log).toContain('stop acme@1')
    w.advance(1_000)
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'running', globex: 'running' })
  })

  it('stops a company that left while it was starting, once its start is done', async () => {
    let open: () => void = () => undefined
    const w = world({ gate: new Promise<void>((resolve) => (open = resolve)) })
    w.supervisor.reconcile(companies(company('acme')))
    await new Promise((r) => setImmediate(r))
    expect(w.log).toEqual(['start acme@1'])
    w.supervisor.reconcile(companies())
    open()
    await w.supervisor.settled()
    expect(w.phases()).toEqual({})
    expect(w.log).toEqual(['start acme@1', 'stop acme@1'])
  })

  describe('a start waiting out an outage', () => {
    it('is abandoned when the company leaves: nothing waits for it, and it is no failure', async () => {
      const w = world({ outage: (c) => c.spec.id === 'acme' })
      w.supervisor.reconcile(companies(company('acme'), company('globex')))
      await new Promise((r) => setImmediate(r))
      expect(w.phases()).toEqual({ acme: 'starting', globex: 'running' })
      w.supervisor.reconcile(companies(company('globex')))
      await w.supervisor.settled()
      expect(w.phases()).toEqual({ globex: 'running' })
      expect(w.changes.filter((c) => c.id === 'acme').map((c) => c.phase)).toEqual(['starting', 'stopped'])
    })

    it('is abandoned by stopAll: the stop does not wait for the outage to end', async () => {
      const w = world({ outage: () => true })
      w.supervisor.reconcile(companies(company('acme'), company('globex')))
      await new Promise((r) => setImmediate(r))
      await w.supervisor.stopAll()
      expect(w.phases()).toEqual({})
      expect(w.changes.some((c) => c.phase === 'failed')).toBe(false)
    })

    it('is abandoned when its file changes: the new file starts at once', async () => {
      const w = world({ outage: (c) => c.fingerprint === 'acme@1' })
      w.supervisor.reconcile(companies(company('acme', 1)))
      await new Promise((r) => setImmediate(r))
      w.supervisor.reconcile(companies(company('acme', 2)))
      await w.supervisor.settled()
      expect(w.phases()).toEqual({ acme: 'running' })
      expect(w.log).toEqual(['start acme@1', 'start acme@2'])
    })

    it('one that opened although abandoned is not kept: stopped, and started afresh when wanted again', async () => {
      // this runner does not heed the abort: its start opens all the same
      let open: () => void = () => undefined
      const w = world({ gate: new Promise<void>((resolve) => (open = resolve)) })
      w.supervisor.reconcile(companies(company('acme')))
      await new Promise((r) => setImmediate(r))
      w.supervisor.reconcile(companies())
      w.supervisor.reconcile(companies(company('acme')))
      open()
      await w.supervisor.settled()
      expect(w.phases()).toEqual({ acme: 'running' })
      expect(w.log).toEqual(['start acme@1', 'stop acme@1', 'start acme@1'])
    })

    it('moved away and back while it waited: started again, not failed', async () => {
      let outage = true
      const w = world({ outage: () => outage })
      w.supervisor.reconcile(companies(company('acme')))
      await new Promise((r) => setImmediate(r))
      outage = false
      w.supervisor.reconcile(companies())
      w.supervisor.reconcile(companies(company('acme')))
      await w.supervisor.settled()
      expect(w.phases()).toEqual({ acme: 'running' })
      expect(w.log).toEqual(['start acme@1', 'start acme@1'])
      expect(w.changes.some((c) => c.phase === 'failed')).toBe(false)
    })
  })

  it('never starts a company that left before its start began', async () => {
    const w = world()
    w.supervisor.reconcile(companies(company('acme')))
    w.supervisor.reconcile(companies())
    await w.supervisor.settled()
    expect(w.phases()).toEqual({})
    expect(w.log).toEqual([])
  })

  it('stops every company on stopAll and starts nothing afterwards', async () => {
    const w = world()
    w.supervisor.reconcile(companies(company('acme'), company('globex')))
    await w.supervisor.settled()
    await w.supervisor.stopAll()
    expect(w.log.filter((l) => l.startsWith('stop')).sort()).toEqual(['stop acme@1', 'stop globex@1'])
    w.supervisor.reconcile(companies(company('acme')))
    await w.supervisor.settled()
    expect(w.phases()).toEqual({})
  })

  it('keeps a company that a rebalance moved away and back in the same breath', async () => {
    const w = world()
    w.supervisor.reconcile(companies(company('acme')))
    await w.supervisor.settled()
    w.supervisor.reconcile(companies())
    w.supervisor.reconcile(companies(company('acme')))
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'running' })
    expect(w.log).toEqual(['start acme@1'])
  })

  it('starts a company again that came back while its stop was under way', async () => {
    let release: () => void = () => undefined
    const w = world({ stopGate: () => new Promise<void>((resolve) => (release = resolve)) })
    w.supervisor.reconcile(companies(company('acme')))
    await w.supervisor.settled()
    w.supervisor.reconcile(companies())
    await new Promise((r) => setImmediate(r))
    expect(w.phases()).toEqual({ acme: 'stopping' })
    w.supervisor.reconcile(companies(company('acme')))
    release()
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'running' })
    expect(w.log).toEqual(['start acme@1', 'stop acme@1', 'start acme@1'])
    // and later reconciles leave it running
    w.supervisor.reconcile(companies(company('acme')))
    await w.supervisor.settled()
    expect(w.log).toHaveLength(3)
  })

  it('takes a company back soon after another worker fenced it while it is still this one, later each time it follows soon', async () => {
    const w = world()
    w.supervisor.reconcile(companies(company('acme')))
    await w.supervisor.settled()
    w.runs.get('acme@1')?.end(new FencedError('another producer with this transactional id'))
    await new Promise((r) => setImmediate(r))
    await w.supervisor.settled()
    const fenced = w.supervisor.states()[0]
    expect([fenced?.phase, fenced?.error?.code, fenced?.retryAtMs]).toEqual(['failed', 'PK_KAFKA', 100])
    w.advance(100)
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'running' })
    // fenced again soon after (the group rebalanced once more, or another deployment shares the
    // prefix): twice as long, not the back-off of a refused secret, and longer each time
    const again = async (run: string) => {
      w.runs.get(run)?.end(new FencedError('another producer with this transactional id'))
      await new Promise((r) => setImmediate(r))
      await w.supervisor.settled()
      return w.supervisor.states()[0]?.retryAtMs
    }
    w.advance(50)
    expect(await again('acme@1')).toBe(150 + 200)
    w.advance(200)
    await w.supervisor.settled()
    expect(w.phases()).toEqual({ acme: 'running' })
    expect(await again('acme@1')).toBe(350 + 400)
    // long after the last failure, a fencing is news again: the first short wait
    w.advance(400)
    await w.supervisor.settled()
    w.advance(8_000)
    expect(await again('acme@1')).toBe(8_750 + 100)
  })
})
