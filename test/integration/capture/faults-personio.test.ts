// Personio misbehaving while `sync --once` runs: 429 and 5xx in bursts, a malformed page, a page
// that times out, a permission taken away, an expired token. Each time the cycle either finishes,
// or stops with one clear error and the next run resumes — and a read_committed consumer then sees
// every change exactly once, the compacted view equal to the simulator. The runs are in this
// process, on the in-memory Kafka and registry (test/support/memory-engine.ts), and are read as the
// CLI reports them: its summary table and the exit code of its first failure. One case runs the
// CLI itself as a child on the real broker, for what only a process shows: its exit code and its
// FAILED line on stdout.
import type { PipelineEvent } from '../../../src/capture/engine/coordinator'
import type { Report } from '../../../src/capture/engine/engine'
import { printSummary } from '../../../src/cli/capture-run'
import { exitClassOf, exitCodes } from '../../../src/cli/exit-codes'
import { describeError } from '../../../src/cli/report-error'
import { errorCodes, type ErrorCode } from '../../../src/errors'
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type FaultSpec, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { runCli } from '../../support/cli-child'
import { captureEnv, changeCompany, expectExactlyOnce } from '../../support/exactly-once'
import { memoryWorld, type MemoryWorld } from '../../support/memory-engine'

const infra = testInfra()
const only: ResourceName[] = ['employees', 'absences', 'absence_types', 'employees_absences_balance']
const args = ['sync', '--once', '--resources', only.join(',')]

/** A run as the CLI ends it: the exit code, and what it printed (the summary on stdout, the error on stderr). */
interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

const said = (r: RunResult) => `exit ${String(r.code)}\n${r.stdout}\n${r.stderr.slice(-2000)}`

const isErrorCode = (code: string): code is ErrorCode => (errorCodes as readonly string[]).includes(code)

/**
 * `sync --once --resources …` in this process, on the memory world: what src/cli/capture-run.ts's
 * runOnce prints (the summary) and the exit code src/cli/report-error.ts gives its first failure
 * (or the error that stopped the engine from opening), as the child process would end.
 */
async function syncAsTheCli(world: MemoryWorld, env: Record<string, string>): Promise<RunResult> {
  const out: string[] = []
  let events: PipelineEvent<Report>[]
  try {
    events = await world.syncOnce(env, { only })
  } catch (error) {
    const report = describeError(error)
    return { code: report.exitCode, signal: null, stdout: '', stderr: report.lines.join('\n') }
  }
  printSummary(events, (line) => out.push(line))
  const [failure] = events.flatMap((e) => (e.kind === 'cycle' ? [] : [e.error]))
  const report = failure === undefined ? undefined : describeError(failure)
  return {
    code: report?.exitCode ?? exitCodes.ok.code,
    signal: null,
    stdout: out.join('\n'),
    stderr: report?.lines.join('\n') ?? '',
  }
}

/**
 * A run under faults: finished, every resource with its summary row and no FAILED one; or stopped
 * with Personio's exit code and one FAILED line per failed resource, each a Personio error (a Kafka
 * or registry error there would be a fault of our own, not Personio's).
 */
function expectFinishedOrOneClearError(r: RunResult): 'finished' | 'stopped' {
  const lines = r.stdout.split('\n')
  const failed = lines.filter((l) => l.includes(' FAILED '))
  if (r.code === 0) {
    expect({ signal: r.signal, failed }).toEqual({ signal: null, failed: [] })
    for (const resource of only) {
      const rows = lines.filter((l) => l.startsWith(`${resource} `)).length
      expect({ resource, rows }).toEqual({ resource, rows: 1 })
    }
    return 'finished'
  }
  const personio = exitCodes.personio.code
  if (r.code !== personio || r.signal !== null)
    throw new Error(`neither finished nor stopped with Personio's exit code ${personio}: ${said(r)}`)
  if (failed.length === 0) throw new Error(`exit ${personio} without a FAILED line: ${said(r)}`)
  for (const line of failed) {
    const code = /FAILED +(PK_[A-Z_]+): \S/.exec(line)?.[1] ?? ''
    const errorClass = isErrorCode(code) ? exitClassOf(code) : 'no error code'
    expect({ line, errorClass }).toEqual({ line, errorClass: 'personio' })
  }
  return 'stopped'
}

/** The environment of every run here: deletes held during an outage are confirmed by the next listing. */
const faultEnv = {
  RECONCILE_INTERVAL_MS: '0',
  PERSONIO_TIMEOUT_MS: '1500',
  // as test/support/exactly-once.ts's captureEnv sets them for the CLI runs (see there why)
  DELETE_GUARD_MODE: 'hold-then-publish',
  DELETE_GUARD_HOLD_MS: '0',
}

/** A simulator for one test, closed after it whatever happened (the scenarios run side by side). */
async function withSimulator(
  options: Parameters<typeof startSimulator>[0],
  test: (sim: RunningSimulator) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator(options)
  try {
    await test(sim)
  } finally {
    await sim.close()
  }
}

describe('capture > faults > Personio misbehaving', () => {
  const scenarios: [string, FaultSpec[]][] = [
    [
      '429 in bursts',
      [
        { path: '/v1/company/employees', status: 429, times: 4 },
        { path: '/v1/company/time-offs', status: 429, times: 3 },
      ],
    ],
    [
      '5xx in bursts',
      [
        { path: '/v1/company/employees', status: 503, times: 2 },
        { path: '/v1/company/time-offs', status: 500, times: 2 },
        { path: '/v1/company/time-off-types', status: 502, times: 1 },
        { path: '/v1/company/employees/', status: 504, times: 3 },
      ],
    ],
    ['a malformed page', [{ path: '/v1/company/employees', malformed: true, times: 1 }]],
    ['a page that times out', [{ path: '/v1/company/time-offs', delayMs: 4_000, times: 1 }]],
    ['an error on every other request', [{ path: '/v1/company', status: 503, probability: 0.3, times: 25 }]],
    ['a permission taken away', [{ path: '/v1/company/time-off-types', status: 403 }]],
  ]
  // Faults no retry gets past: their first run must stop, so the stopping branch of the check is
  // met on every test run, not only when retries happen to run out.
  const mustStop = new Set(['a permission taken away'])

  // Each scenario has its own simulator and memory world, and mostly waits out Personio's retry
  // delays: side by side they take as long as the slowest one.
  it.concurrent.each(scenarios)('%s: the cycles finish or resume, losing nothing', (name, faults) =>
    withSimulator({ employees: 12, rateLimits: false, absencesPerEmployee: 2 }, async (sim) => {
      const world = memoryWorld(sim, 'personio-faults')
      // a first sync under fire, then changes under fire
      for (let round = 0; round < 2; round++) {
        if (round > 0) changeCompany(sim, round)
        for (const f of faults) sim.faults.inject(f)
        const first = await syncAsTheCli(world, faultEnv)
        const ended = expectFinishedOrOneClearError(first)
        if (mustStop.has(name) && ended !== 'stopped')
          throw new Error(`the run should have stopped: ${said(first)}`)
        // every fault was met: a fault on a path the client never asks proves nothing
        expect(sim.faults.hits().filter((f) => f.hits === 0)).toEqual([])
        sim.faults.clear()
        const resumed = await syncAsTheCli(world, faultEnv)
        if (resumed.code !== 0) throw new Error(`the next run did not resume: ${said(resumed)}`)
      }
      await world.expectExactlyOnce(only)
    }),
  )

  it('through the CLI: a permission taken away exits with the Personio code and a FAILED line; the next run resumes', () =>
    withSimulator({ employees: 12, rateLimits: false, absencesPerEmployee: 2 }, async (sim) => {
      const prefix = uniqueName('personio-faults')
      const env = captureEnv(infra, sim, prefix, { RECONCILE_INTERVAL_MS: '0', PERSONIO_TIMEOUT_MS: '1500' })
      sim.faults.inject({ path: '/v1/company/time-off-types', status: 403 })
      const first = await runCli(args, env)
      if (expectFinishedOrOneClearError(first) !== 'stopped')
        throw new Error(`the run should have stopped: ${said(first)}`)
      expect(sim.faults.hits().filter((f) => f.hits === 0)).toEqual([])
      sim.faults.clear()
      const resumed = await runCli(args, env)
      if (resumed.code !== 0) throw new Error(`the next run did not resume: ${said(resumed)}`)
      await expectExactlyOnce(infra, sim, prefix, only)
    }))

  it('an expired token mid-run is renewed, nothing lost', () =>
    withSimulator({ employees: 12, rateLimits: false, tokenTtlSeconds: 600 }, async (sim) => {
      const world = memoryWorld(sim, 'token')
      const engine = await world.open({ ...faultEnv, POLL_INTERVAL_MS: '1000' }, { only })
      const events: PipelineEvent<Report>[] = []
      const done = engine.run((e) => events.push(e))
      try {
        await waitFor(
          () => sim.counters().requests ?? 0,
          (n) => n >= 40,
        )
        // The token the running engine holds expires on Personio's side (its own clock says it is
        // still good): the next requests answer 401 and the client must authenticate again.
        sim.company.clock.advance(700_000)
        changeCompany(sim, 1)
        await waitFor(
          () => unauthorized(sim),
          (n) => n > 0,
          30_000,
        )
        const after = sim.counters().requests ?? 0
        await waitFor(
          () => sim.counters().requests ?? 0,
          (n) => n >= after + 40,
          30_000,
        )
      } finally {
        // what `run` does on SIGTERM: a graceful stop, then exit 0 once the engine has closed
        await engine.stop()
      }
      await done
      await engine.close()
      // `run` exits 0 on SIGTERM whatever happened before; no resource stopped says more than that
      expect(events.filter((e) => e.kind === 'stopped')).toEqual([])
      await world.expectExactlyOnce(only)
    }))
})

function unauthorized(sim: RunningSimulator): number {
  return Object.entries(sim.counters())
    .filter(([k]) => k.endsWith(' 401'))
    .reduce((a, [, v]) => a + v, 0)
}

async function waitFor<T>(read: () => T, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = read()
    if (ok(v)) return v
    if (Date.now() > until) throw new Error(`timed out waiting; last ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
