// The broker stopped and restarted in the middle of capture. A broker of its own (the shared one
// stays up for the other test files): killed during a first sync, and during a `run` with changes
// coming in. Capture finishes, or stops with one clear error and resumes on the next run; a
// read_committed consumer then sees every change exactly once, the compacted view equal to the simulator.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exitCodes } from '../../../src/cli/exit-codes'
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { runCli, startCli, type CliResult } from '../../support/cli-child'
import { harnessPreloads } from '../../support/cli-preload'
import { captureEnv, changeCompany, expectConverged, expectExactlyOnce } from '../../support/exactly-once'
import { pausedLine, pauseAtPreload } from '../../support/pause-at'
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
    // The broker dies while a transaction is open: the child is held right after it sent the
    // records of its third transaction, before that commit, until the broker is gone — so the kill
    // cannot land between two transactions, nor after the last one.
    const held = 'after-send-before-commit:3'
    const dir = mkdtempSync(join(tmpdir(), 'pk-pause-'))
    const release = join(dir, 'release')
    const preloads = [...harnessPreloads, pauseAtPreload]
    const heldEnv = { ...env, PK_TEST_PAUSE_AT: held, PK_TEST_PAUSE_RELEASE: release }
    let r: CliResult
    try {
      const run = startCli(args, heldEnv, 240_000, preloads)
      try {
        const paused = () => run.output().stderr.includes(pausedLine('after-send-before-commit', 3))
        await waitFor(() => paused() || run.child.exitCode !== null, 90_000, `the sync to hold at ${held}`)
        if (!paused())
          throw new Error(`the sync ended without holding at ${held}: ${run.output().stderr.slice(-1500)}`)
        await broker.stop('SIGKILL')
      } catch (error) {
        run.child.kill('SIGKILL')
        throw error
      } finally {
        writeFileSync(release, '')
      }
      await sleep(4_000)
      await broker.start()
      r = await run.done
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(r.stderr).toContain('PK_TEST_PAUSE: released')
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
    const env = captureEnv(infra(), sim, prefix, {
      RECONCILE_INTERVAL_MS: '0',
      POLL_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
    })
    const run = startCli(['run', '--resources', only.join(',')], env, 280_000)
    try {
      await waitFor(() => (sim.counters().requests ?? 0) >= 60)
      await broker.stop('SIGTERM')
      changeCompany(sim, 1)
      await sleep(6_000)
      await broker.start()
      changeCompany(sim, 2)
      // Recovery takes a restarted consumer group's session timeout (10 s) and a re-read of every
      // balance whose employee changed: wait for the outcome, not a guess.
      await expectConverged(infra(), sim, prefix, only).catch((error: unknown) => {
        // what the service said while it recovered is the first thing to read
        ;(error as Error).message += `\n\nthe run's log:\n${run.output().stderr.slice(-6000)}`
        throw error
      })
    } finally {
      run.child.kill('SIGTERM')
    }
    const r = await run.done
    expect({ code: r.code, out: said(r).slice(-1500) }).toMatchObject({ code: 0 })
    await expectExactlyOnce(infra(), sim, prefix, only)
  }, 300_000)

  it('under `run`, a commit the broker never confirmed: a new producer settles it, capture goes on, nothing twice', async () => {
    // One resource, so the first transaction held is its first snapshot commit.
    const one: ResourceName[] = ['absence_types']
    sim = await startSimulator({ employees: 5, rateLimits: false })
    const prefix = uniqueName('broker-commit')
    const env = captureEnv(infra(), sim, prefix, {
      RECONCILE_INTERVAL_MS: '0',
      POLL_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
    })
    const dir = mkdtempSync(join(tmpdir(), 'pk-pause-'))
    const release = join(dir, 'release')
    const run = startCli(
      ['run', '--resources', one.join(',')],
      { ...env, PK_TEST_PAUSE_AT: 'after-send-before-commit:1', PK_TEST_PAUSE_RELEASE: release },
      240_000,
      [...harnessPreloads, pauseAtPreload],
    )
    try {
      const said = () => run.output().stderr
      await waitFor(() => said().includes(pausedLine('after-send-before-commit', 1)), 60_000, 'the hold')
      // The records are sent, the commit not yet: the broker goes away, the commit is let go.
      await broker.stop('SIGKILL')
      writeFileSync(release, '')
      await waitFor(() => /cycle failed, retrying: /.test(said()), 120_000, 'the commit to fail')
      sim.company.update('timeOffTypes', sim.company.list('timeOffTypes')[0]?.id as number, {
        name: 'Urlaub',
      })
      await broker.start()
      await expectConverged(infra(), sim, prefix, one).catch((error: unknown) => {
        ;(error as Error).message += `\n\nthe run's log:\n${said().slice(-6000)}`
        throw error
      })
    } finally {
      run.child.kill('SIGTERM')
      writeFileSync(release, '')
    }
    const r = await run.done
    rmSync(dir, { recursive: true, force: true })
    expect({ code: r.code, out: r.stderr.slice(-1500) }).toMatchObject({ code: 0 })
    await expectExactlyOnce(infra(), sim, prefix, one)
  }, 300_000)
})

async function waitFor(ok: () => boolean, timeoutMs = 90_000, what = 'a condition'): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}
