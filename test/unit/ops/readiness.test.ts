// /readyz's verdict: every reason at once, a hung dependency counted as unreachable in time.
import { publish } from '../../../src/ops/channels'
import { inEngine } from '../../../src/ops/engine-scope'
import { createReadiness } from '../../../src/ops/readiness'

describe('ops > readiness', () => {
  it('lists every reason, and counts a probe that hangs as unreachable after the timeout', async () => {
    const readiness = createReadiness({
      timeoutMs: 20,
      probes: {
        kafka: () => new Promise(() => undefined),
        registry: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8081')),
      },
    })
    const started = Date.now()
    expect(await readiness.check()).toEqual({
      ready: false,
      reasons: [
        'state not restored yet',
        'kafka unreachable: no answer within 20 ms',
        'registry unreachable: connect ECONNREFUSED 127.0.0.1:8081',
      ],
    })
    expect(Date.now() - started).toBeLessThan(1000)
    readiness.close()
  })

  it('is ready once the state is restored and the probes answer', async () => {
    const readiness = createReadiness({ probes: { kafka: async () => 'ok' } })
    publish('personio-kafka:state:restored', { resources: [] })
    expect(await readiness.check()).toEqual({ ready: true })
    readiness.close()
  })

  it('is not ready while a resource is stopped for good, naming it, its error and when; ready once it runs', async () => {
    const readiness = createReadiness({ probes: { kafka: async () => 'ok' } })
    publish('personio-kafka:state:restored', { resources: ['employees', 'absences'] })
    const atMs = Date.UTC(2026, 4, 1, 12, 0, 0)
    publish('personio-kafka:capture:health', {
      resource: 'employees',
      running: false,
      error: { code: 'PK_AUTH', message: 'Personio refused the credentials', atMs },
    })
    publish('personio-kafka:capture:health', { resource: 'absences', running: true })
    expect(await readiness.check()).toEqual({
      ready: false,
      reasons: ['employees stopped at 2026-05-01T12:00:00.000Z: PK_AUTH: Personio refused the credentials'],
    })
    publish('personio-kafka:capture:health', { resource: 'employees', running: true })
    expect(await readiness.check()).toEqual({ ready: true })
    readiness.close()
  })

  it("keeps two engines' resources apart: one company's employees never answers for another's", async () => {
    const readiness = createReadiness({ probes: {}, engines: ['acme', 'globex'] })
    const atMs = Date.UTC(2026, 4, 1, 12, 0, 0)
    const health = (running: boolean) =>
      publish('personio-kafka:capture:health', {
        resource: 'employees',
        running,
        ...(running ? {} : { error: { code: 'PK_AUTH', message: 'refused', atMs } }),
      })
    inEngine('acme', () => publish('personio-kafka:state:restored', { resources: ['employees'] }))
    expect(await readiness.check()).toEqual({
      ready: false,
      reasons: ['state not restored yet (engine globex)'],
    })
    await Promise.all([
      inEngine('acme', async () => {
        await new Promise((r) => setTimeout(r, 2))
        health(false) // acme's credentials are refused...
      }),
      inEngine('globex', async () => {
        publish('personio-kafka:state:restored', { resources: ['employees'] })
        await new Promise((r) => setTimeout(r, 4))
        health(true) // ...while globex's employees run, later
      }),
    ])
    expect(await readiness.check()).toEqual({
      ready: false,
      reasons: ['employees (engine acme) stopped at 2026-05-01T12:00:00.000Z: PK_AUTH: refused'],
    })
    inEngine('acme', () => health(true))
    expect(await readiness.check()).toEqual({ ready: true })
    readiness.close()
  })

  it("a worker's readiness: its own reasons and details, and no company's stopped resource among them", async () => {
    let joined = false
    const readiness = createReadiness({
      probes: { kafka: async () => 'ok' },
      requireState: false,
      stoppedResources: false,
      extra: () => ({
        reasons: joined ? [] : ['not yet a member of the workers group'],
        details: { companies: [{ id: 'acme', phase: 'failed' }] },
      }),
    })
    inEngine('acme', () =>
      publish('personio-kafka:capture:health', {
        resource: 'employees',
        running: false,
        error: { code: 'PK_AUTH', message: 'refused', atMs: 0 },
      }),
    )
    expect(await readiness.check()).toEqual({
      ready: false,
      reasons: ['not yet a member of the workers group'],
      details: { companies: [{ id: 'acme', phase: 'failed' }] },
    })
    joined = true
    expect(await readiness.check()).toEqual({
      ready: true,
      details: { companies: [{ id: 'acme', phase: 'failed' }] },
    })
    readiness.close()
  })
})
