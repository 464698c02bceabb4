// e2e > crash points are the test harness's switch only: PK_TEST_CRASH_AT in the environment of a
// plain CLI run (as a stray variable in a deployment would be) changes nothing; the same run with
// the harness preloaded (test/support/cli-preload.ts, as every test's CLI child) is killed there.
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { runCli, type CliResult } from '../support/cli-child'
import { harnessPreloads } from '../support/cli-preload'
import { captureEnv } from '../support/exactly-once'

const infra = testInfra()
const args = ['sync', '--once', '--resources', 'employees']
const outcome = (r: CliResult) => ({ code: r.code, signal: r.signal, stderr: r.stderr.slice(-2000) })

describe('e2e > PK_TEST_CRASH_AT', () => {
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 3, rateLimits: false })
  })
  afterAll(() => sim.close())
  const env = () => ({
    ...captureEnv(infra, sim, uniqueName('crash-switch')),
    PK_TEST_CRASH_AT: 'after-fence:1',
  })

  it('is ignored by the CLI on its own: the run completes', async () => {
    const r = await runCli(args, env(), 60_000, [])
    expect(outcome(r)).toEqual({
      code: 0,
      signal: null,
      stderr: expect.not.stringContaining('PK_TEST_CRASH_AT'),
    })
  })

  it('kills the run at the point when the test harness is loaded', async () => {
    const r = await runCli(args, env(), 60_000, harnessPreloads)
    expect(outcome(r)).toEqual({
      code: null,
      signal: 'SIGKILL',
      stderr: expect.stringContaining('PK_TEST_CRASH_AT: killing at after-fence:1'),
    })
  })
})
