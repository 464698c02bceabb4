// The broker stopped and restarted in the middle of capture. A broker of its own (the shared one
// stays up for the other test files): killed during a first sync, and during a `run` with changes
// coming in. Capture finishes, or stops with one clear error and resumes on the next run; a
// read_committed consumer then sees every change exactly once, the compacted view equal to the simulator.
import { exitCodes } from '../../../src/cli/exit-codes'
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { runCli, startCli, type CliResult } from '../../support/cli-child'
import { captureEnv, changeCompany, expectConverged, expectExactlyOnce } from '../../support/exactly-once'
import { startThrowawayBroker, type ThrowawayBroker } from '../../support/throwaway-broker'

const shared = testInfra()
const only: ResourceName[] = ['employees', 'absences', 'absence_types', 'employees_absences_balance']
const said = (r: CliResult) =>
  `exit ${String(r.code)} ${String(r.signal)}\n${r.stdout}\n${r.stderr.slice(-2000)}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('capture > faults > the broker stopped and restarted', () => {
  let broker: ThrowawayBroker
  let sim: RunningSimulator
  const infra = () => ({ brokers: broker.brokers, registryUrl: shared.registryUrl })

  beforeAll(async () => {
    broker = await startThrowawayBroker()
  }, 120_000)
  afterAll(() => broker?.destroy())
  afterEach(() => sim?.close())

  it('killed during a first sync: that run stops with one clear error or finishes, the next completes it', async () => {
    sim = await startSimulator({ employees: 150, rateLimits: false, absencesPerEmployee: 2 })
    const prefix = uniqueName('broker-sync')
    const env = captureEnv(infra(), sim, prefix, {
      RECONCILE_INTERVAL_MS: '0',
      TRANSACTION_MAX_RECORDS: '40',
    })
    const args = ['sync', '--once', '--resources', only.join(',')]
    const run = startCli(args, env, 240_000)
    // the first transactions are in: the broker dies under the sync
    await waitFor(() => (sim.counters().requests ?? 0) >= 8)
    await broker.stop('SIGKILL')
    await sleep(4_000)
    await broker.start()
    const r = await run.done
    if (r.code !== 0) {
      expect(r.signal).toBeNull()
      expect(r.code).toBe(exitCodes.kafka.code)
      expect(r.stdout).toMatch(/FAILED +PK_KAFKA: /)
    }
    const next = await runCli(args, env, 240_000)
    if (next.code !== 0) throw new Error(`the next run did not complete the sync: ${said(next)}`)
    await expectExactlyOnce(infra(), sim, prefix, only)
  }, 300_000)

  it('stopped and restarted under `run` with changes coming in: nothing lost, nothing twice', async () => {
    sim = await startSimulator({ employees: 40, rateLimits: false, absencesPerEmployee: 2 })
    const prefix = uniqueName('broker-run')
    const env = captureEnv(infra(), sim, prefix, { RECONCILE_INTERVAL_MS: '0', POLL_INTERVAL_MS: '1000' })
    const run = startCli(['run', '--resources', only.join(',')], env, 280_000)
    try {
      await waitFor(() => (sim.counters().requests ?? 0) >= 60)
      await broker.stop('SIGTERM')
      changeCompany(sim, 1)
      await sleep(6_000)
      await broker.start()
      changeCompany(sim, 2)
      // Recovery takes a restarted consumer group's session timeout (10 s) and a re-read of every
      // balance whose employee changed, at Personio's pace: wait for the outcome, not a guess.
      await expectConverged(infra(), sim, prefix, only)
    } finally {
      run.child.kill('SIGTERM')
    }
    const r = await run.done
    expect({ code: r.code, out: said(r).slice(-1500) }).toMatchObject({ code: 0 })
    await expectExactlyOnce(infra(), sim, prefix, only)
  }, 300_000)
})

async function waitFor(ok: () => boolean, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await sleep(100)
  }
}
