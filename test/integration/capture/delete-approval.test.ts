// A wave of deletes waits for a person (DELETE_GUARD_MODE=approve, the default), against the real
// broker, registry and the simulator, through the real CLI: `deletes list` shows it, `deletes
// approve` has the next full listing tombstone exactly the held records still missing (once), and
// `deletes reject` keeps them as existing, also on the listings after.
import { topicFor } from '../../../src/contract/naming'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { runCli } from '../../support/cli'
import { readAll, readTable } from '../../support/compacted'
import {
  envFor,
  expectAllCycled,
  expectTopicsEqualSimulator,
  statusFor,
  syncOnce,
} from '../../support/engine-run'

const { brokers, registryUrl } = testInfra()

describe('capture > a wave of deletes waits for a person', () => {
  let sim: RunningSimulator
  afterEach(() => sim.close())

  it('list shows it; approve tombstones the held records still missing, once; reject deletes nothing', async () => {
    sim = await startSimulator({ employees: 30, rateLimits: false, reports: 0 })
    const prefix = uniqueName('approval')
    // a hold time of 0 would publish at once in hold-then-publish mode: here only a person does
    const only = { CAPTURE_RESOURCES: 'employees', RECONCILE_INTERVAL_MS: '0', DELETE_GUARD_HOLD_MS: '0' }
    const env = envFor(sim, prefix, { ...only, LOG_LEVEL: 'error' })
    const tombstones = async () =>
      (await readAll(brokers, topicFor(prefix, 'employees'))).filter((r) => r.value === null).length
    const deleted = async () =>
      [...(await readTable(brokers, registryUrl, prefix, 'employees')).lastOp]
        .filter(([, op]) => op === 'd')
        .map(([k]) => k)
        .sort()
    expectAllCycled(await syncOnce(sim, prefix, only))

    const leavers = sim.company.list('employees').slice(0, 10)
    for (const e of leavers) sim.company.remove('employees', e.id)
    expectAllCycled(await syncOnce(sim, prefix, only))
    expectAllCycled(await syncOnce(sim, prefix, only)) // a second listing agrees: still nobody decided
    expect(await tombstones()).toBe(0)
    expect((await statusFor(prefix, ['employees']))[0]?.deletesHeld).toMatch(/^10 since /)
    const list = await runCli(['deletes', 'list'], env)
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/employees \(30 known records\):\n {2}10 missing since \S+: waiting/)
    expect(list.stdout).toContain(`[${leavers[0]?.id}]`)

    // one comes back before the approval is carried out: it is not deleted
    const back = leavers[9]!
    sim.company.create('employees', back)
    const approve = await runCli(['deletes', 'approve', 'employees'], env)
    expect(approve.code).toBe(0)
    expect(approve.stdout).toMatch(/employees: 10 held deletes approved/)
    expectAllCycled(await syncOnce(sim, prefix, only))
    const gone = leavers.slice(0, 9).map((e) => `[${e.id}]`)
    expect(await deleted()).toEqual([...gone].sort())
    expect(await tombstones()).toBe(9)
    expect((await statusFor(prefix, ['employees']))[0]?.deletesHeld).toBeUndefined()
    expectAllCycled(await syncOnce(sim, prefix, only))
    expect(await tombstones()).toBe(9) // once
    await expectTopicsEqualSimulator(sim, prefix, ['employees'])

    // a second wave, rejected: those records stay, on this listing and the next
    for (const e of sim.company.list('employees').slice(0, 6)) sim.company.remove('employees', e.id)
    expectAllCycled(await syncOnce(sim, prefix, only))
    const reject = await runCli(['deletes', 'reject'], env)
    expect(reject.code).toBe(0)
    expect(reject.stdout).toMatch(/employees: 6 held deletes rejected/)
    expectAllCycled(await syncOnce(sim, prefix, only))
    expectAllCycled(await syncOnce(sim, prefix, only))
    expect(await tombstones()).toBe(9)
    expect((await statusFor(prefix, ['employees']))[0]?.deletesHeld).toBeUndefined() // kept: nothing waits
    expect((await runCli(['deletes', 'list', 'employees'], env)).stdout).toMatch(
      /6 missing since \S+: rejected/,
    )
  })
})
