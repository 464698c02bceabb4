// e2e > the CLI reads read_committed with the product's filter of aborted records (kafkajs' own lets
// interleaved aborted transactions through: src/kafka/kafkajs/aborted-filter.ts). A probe preloaded
// into the CLI process asks, as it exits, the filter module the CLI itself loaded whether it is
// the one kafkajs calls — after a `sync --once` that read the state topic back.
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { runCli } from '../support/cli-child'
import { abortedFilterProbePreload, harnessPreloads } from '../support/cli-preload'
import { captureEnv } from '../support/exactly-once'

const infra = testInfra()

describe('e2e > the CLI filters aborted records with ours', () => {
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 3, rateLimits: false })
  })
  afterAll(() => sim.close())

  it('sync --once exits with the filter active', async () => {
    const env = captureEnv(infra, sim, uniqueName('filter-probe'))
    const r = await runCli(['sync', '--once', '--resources', 'employees'], env, 60_000, [
      ...harnessPreloads,
      abortedFilterProbePreload,
    ])
    expect({ code: r.code, stderr: r.stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) })
    expect(r.stderr).toContain('aborted-filter-probe: active\n')
  })
})
