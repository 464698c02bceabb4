// startOps as a long-running command uses it: the endpoint on the configured port, none at port 0,
// and a clear configuration error when the port is taken.
import { createServer, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import { ConfigError } from '../../../src/errors'
import { silentLogger } from '../../../src/ops/logger'
import { startOps } from '../../../src/ops/start-ops'

const noProbes = { probes: {}, requireState: false }

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

describe('ops > start-ops', () => {
  it('serves the endpoint on METRICS_HOST:METRICS_PORT', async () => {
    const port = await freePort()
    const ops = await startOps({ metricsPort: port, metricsHost: '127.0.0.1' }, noProbes, silentLogger)
    const res = await request(`http://127.0.0.1:${port}/readyz`)
    expect({ status: res.statusCode, body: await res.body.json() }).toEqual({
      status: 200,
      body: { status: 'ready' },
    })
    await ops.close()
  })

  it('starts no server when METRICS_PORT is 0', async () => {
    const ops = await startOps({ metricsPort: 0, metricsHost: '127.0.0.1' }, noProbes, silentLogger)
    expect(ops.server).toBeUndefined()
    expect(await ops.metrics.registry.metrics()).toContain('# TYPE personio_kafka_events_total counter')
    await ops.close()
  })

  it('says which setting to change when the port is taken', async () => {
    const taken: Server = createServer()
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r))
    const { port } = taken.address() as AddressInfo
    const error = await startOps(
      { metricsPort: port, metricsHost: '127.0.0.1' },
      noProbes,
      silentLogger,
    ).catch((e: unknown) => e)
    await new Promise((r) => taken.close(r))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual([
      `METRICS_PORT / METRICS_HOST (ops): cannot listen on 127.0.0.1:${port} (EADDRINUSE); choose another port, or METRICS_PORT=0 to turn the ops endpoint off`,
    ])
  })
})
