// Personio misbehaving while `sync --once` runs (a child process, as an operator runs it): 429 and
// 5xx in bursts, a malformed page, a page that times out, a permission taken away, an expired
// token. Each time the cycle either finishes, or stops with one clear error and the next run
// resumes — and a read_committed consumer then sees every change exactly once, the compacted view
// equal to the simulator.
import { exitClassOf, exitCodes } from '../../../src/cli/exit-codes'
import { errorCodes, type ErrorCode } from '../../../src/errors'
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type FaultSpec, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { runCli, startCli, type CliResult } from '../../support/cli-child'
import { captureEnv, changeCompany, expectExactlyOnce } from '../../support/exactly-once'

const infra = testInfra()
const only: ResourceName[] = ['employees', 'absences', 'absence_types', 'employees_absences_balance']
const args = ['sync', '--once', '--resources', only.join(',')]
const said = (r: CliResult) => `exit ${String(r.code)}\n${r.stdout}\n${r.stderr.slice(-2000)}`

const isErrorCode = (code: string): code is ErrorCode => (errorCodes as readonly string[]).includes(code)

/**
 * A run under faults: finished, every resource with its summary row and no FAILED one; or stopped
 * with Personio's exit code and one FAILED line per failed resource, each a Personio error (a Kafka
 * or registry error there would be a fault of our own, not Personio's).
 */
function expectFinishedOrOneClearError(r: CliResult): 'finished' | 'stopped' {
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

describe('capture > faults > Personio misbehaving', () => {
  let sim: RunningSimulator
  afterEach(() => sim.close())

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

  it.each(scenarios)('%s: the cycles finish or resume, losing nothing', async (name, faults) => {
    sim = await startSimulator({ employees: 12, rateLimits: false, absencesPerEmployee: 2 })
    const prefix = uniqueName('personio-faults')
    const env = captureEnv(infra, sim, prefix, { RECONCILE_INTERVAL_MS: '0', PERSONIO_TIMEOUT_MS: '1500' })
    // a first sync under fire, then changes under fire
    for (let round = 0; round < 2; round++) {
      if (round > 0) changeCompany(sim, round)
      for (const f of faults) sim.faults.inject(f)
      const first = await runCli(args, env)
      const ended = expectFinishedOrOneClearError(first)
      if (mustStop.has(name) && ended !== 'stopped')
        throw new Error(`the run should have stopped: ${said(first)}`)
      // every fault was met: a fault on a path the client never asks proves nothing
      expect(sim.faults.hits().filter((f) => f.hits === 0)).toEqual([])
      sim.faults.clear()
      const resumed = await runCli(args, env)
      if (resumed.code !== 0) throw new Error(`the next run did not resume: ${said(resumed)}`)
    }
    await expectExactlyOnce(infra, sim, prefix, only)
  })

  it('an expired token mid-run is renewed, nothing lost', async () => {
    sim = await startSimulator({ employees: 12, rateLimits: false, tokenTtlSeconds: 600 })
    const prefix = uniqueName('token')
    const env = captureEnv(infra, sim, prefix, { RECONCILE_INTERVAL_MS: '0', POLL_INTERVAL_MS: '1000' })
    const run = startCli(['run', '--resources', only.join(',')], env)
    try {
      await waitFor(
        () => sim.counters().requests ?? 0,
        (n) => n >= 40,
      )
      // The token the running process holds expires on Personio's side (its own clock says it is
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
      run.child.kill('SIGTERM')
    }
    const r = await run.done
    expect({ code: r.code, stderr: r.stderr.slice(-1500) }).toMatchObject({ code: 0 })
    await expectExactlyOnce(infra, sim, prefix, only)
  })
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
