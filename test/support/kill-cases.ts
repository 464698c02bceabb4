// SIGKILL anywhere: the CLI (`sync --once`, a child process) is killed at a named point of a cycle
// (PK_TEST_CRASH_AT, src/ops/crash-points.ts) — during a first sync or during a later cycle with
// creates, updates and deletes — then run again without the hook. A read_committed consumer must
// then see every change exactly once and a compacted view equal to the simulator. The cases are
// split over two test files (faults-kill-*.test.ts) only so that two jest workers share them; they
// kill only where Kafka's own behaviour is proven, and crash-points-memory.test.ts kills the same
// company at every point in memory (test/support/memory-crash.ts, docs/faults.md).
import type { ResourceName } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { runCli, type CliResult } from './cli-child'
import { captureEnv, changeCompany, expectExactlyOnce } from './exactly-once'

/** The resources a kill case syncs: two top-level resources with a stage each, and their dependants. */
export const killResources: readonly ResourceName[] = [
  'employees',
  'absences',
  'absence_types',
  'employees_absences_balance',
  'custom_reports_list',
  'custom_reports',
]
const args = ['sync', '--once', '--resources', killResources.join(',')]

/** The company a kill case starts from (later cycles change it with changeCompany). */
export const killCompany = { employees: 12, rateLimits: false, reports: 2, absencesPerEmployee: 2 } as const

/** Every cycle after the first reconciles, so deletes are found in the cycle that is killed. */
export const killSettings = { RECONCILE_INTERVAL_MS: '0' } as const

const describeOutput = (r: CliResult) =>
  `exit ${String(r.code)} signal ${String(r.signal)}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-3000)}`

async function sync(env: Record<string, string>): Promise<string> {
  const r = await runCli(args, env)
  if (r.code !== 0) throw new Error(`sync failed: ${describeOutput(r)}`)
  return r.stdout
}

async function syncKilledAt(env: Record<string, string>, point: string): Promise<string> {
  const r = await runCli(args, { ...env, PK_TEST_CRASH_AT: point })
  // The point must really be reached: a run that ends by itself proves nothing.
  if (r.signal !== 'SIGKILL') throw new Error(`${point} was not reached: ${describeOutput(r)}`)
  return r.stdout
}

export type Phase = 'first sync' | 'later cycle'

/** Every point of one phase: killed there, restarted, then checked exactly once. */
export function killCases(phase: Phase, points: readonly string[]): void {
  describe(`capture > faults > SIGKILL at a point of the cycle, then restart (${phase})`, () => {
    const infra = testInfra()
    let sim: RunningSimulator

    beforeEach(async () => {
      sim = await startSimulator(killCompany)
    })
    afterEach(() => sim.close())

    it.each(points.map((p) => [phase, p]))('%s, killed at %s', async (_phase, point) => {
      const prefix = uniqueName('kill')
      const env = captureEnv(infra, sim, prefix, killSettings)
      if (phase === 'later cycle') {
        await sync(env)
        changeCompany(sim)
      }
      const killed = await syncKilledAt(env, point)
      const restarted = await sync(env)
      try {
        await expectExactlyOnce(infra, sim, prefix, killResources)
      } catch (error) {
        // What each run said it did is the first thing to read when a case fails.
        ;(error as Error).message += `\n\nkilled run:\n${killed}\nrestarted run:\n${restarted}`
        throw error
      }
    })
  })
}
