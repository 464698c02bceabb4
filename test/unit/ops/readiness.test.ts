// /readyz's verdict: every reason at once, a hung dependency counted as unreachable in time.
import { publish } from '../../../src/ops/channels'
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
})
