// A commit the broker made but never confirmed: the answer to EndTxn is lost (PK_TEST_FAIL_AT
// throws the error a dropped connection gives, right after kafkajs' commit returned). The process
// cannot know the transaction landed; it must read its state back before it diffs again, or it
// publishes the same changes twice (src/capture/commit/settle-commit.ts).
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { runCli, type CliResult } from '../../support/cli-child'
import { failAtPreload, harnessPreloads } from '../../support/cli-preload'
import { captureEnv, changeCompany, expectExactlyOnce } from '../../support/exactly-once'

const infra = testInfra()
const said = (r: CliResult) =>
  `exit ${String(r.code)} ${String(r.signal)}\n${r.stdout}\n${r.stderr.slice(-3000)}`

describe('capture > faults > a commit that landed but was never confirmed', () => {
  let sim: RunningSimulator
  afterEach(() => sim?.close())

  it.each([
    ['the first sync', 'after-commit-in-sink:1', false],
    ['a later cycle with changes and deletes', 'after-commit-in-sink:1', true],
  ])(
    '%s: the sync reads its state back, publishes nothing twice and finishes',
    async (_what, point, later) => {
      const only: ResourceName[] = ['absence_types', 'employees']
      sim = await startSimulator({ employees: 8, rateLimits: false })
      const prefix = uniqueName('unconfirmed')
      const env = captureEnv(infra, sim, prefix, { RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'warn' })
      const args = ['sync', '--once', '--resources', only.join(',')]
      if (later) {
        const first = await runCli(args, env)
        if (first.code !== 0) throw new Error(`the first sync failed: ${said(first)}`)
        changeCompany(sim)
      }
      const r = await runCli(args, { ...env, PK_TEST_FAIL_AT: point }, 120_000, [
        ...harnessPreloads,
        failAtPreload,
      ])
      // the lost answer was met, and settled from the state topic within the same run
      expect(r.stderr).toContain(`PK_TEST_CRASH_AT: killing at ${point}`)
      expect(r.stderr).toMatch(/an unconfirmed commit was settled from the state topic/)
      if (r.code !== 0) throw new Error(`the sync did not finish: ${said(r)}`)
      await expectExactlyOnce(infra, sim, prefix, only)
    },
  )
})
