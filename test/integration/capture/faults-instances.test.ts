// Outages of what capture writes to, and a second instance: the schema registry down for a while
// (a proxy in front of the shared registry, cut and restored, while a new custom attribute needs a
// new schema version), and two `run` processes started with the same configuration — the second
// fences the first through the transactional ids, the first stops with one clear line, and the
// topics never hold both instances' output.
import { exitCodes } from '../../../src/cli/exit-codes'
import { freePort } from '../../../src/infra/ports'
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { runCli, startCli, type CliResult } from '../../support/cli-child'
import { messageLines } from '../../support/cli'
import { readTable } from '../../support/compacted'
import { captureEnv, changeCompany, expectConverged, expectExactlyOnce } from '../../support/exactly-once'
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy'

const infra = testInfra()
const said = (r: CliResult) => `exit ${String(r.code)}\n${r.stdout}\n${r.stderr.slice(-2000)}`
/** how long the registry stays down; the issue asks for a minute, PK_FAULTS_REGISTRY_DOWN_MS can say so */
const registryDownMs = Number(process.env.PK_FAULTS_REGISTRY_DOWN_MS ?? 20_000)

async function waitFor<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await read()
    if (ok(v)) return v
    if (Date.now() > until) throw new Error(`timed out waiting; last ${JSON.stringify(v)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('capture > faults > registry outage and a second instance', () => {
  let sim: RunningSimulator
  let proxy: TcpProxy | undefined
  afterEach(async () => {
    await proxy?.close()
    proxy = undefined
    await sim.close()
  })

  it('the registry down: sync fails with one clear error, the next run resumes, nothing lost', async () => {
    const only: ResourceName[] = ['employees', 'absences', 'absence_types']
    sim = await startSimulator({ employees: 12, rateLimits: false })
    const registry = new URL(infra.registryUrl)
    proxy = await startTcpProxy({ host: registry.hostname, port: Number(registry.port) })
    const url = `${registry.protocol}//127.0.0.1:${proxy.port}${registry.pathname}`
    const prefix = uniqueName('registry-down')
    const env = captureEnv({ ...infra, registryUrl: url }, sim, prefix, { RECONCILE_INTERVAL_MS: '0' })
    const args = ['sync', '--once', '--resources', only.join(',')]
    // Down before the first sync: the schemas cannot be registered, nothing may be published.
    proxy.down()
    const refused = await runCli(args, env)
    expect(refused.code).toBe(exitCodes.registry.code)
    // found before anything is created (the preflight): one line that names the registry
    expect(messageLines(refused.stderr)).toEqual([expect.stringMatching(/schema registry.*unreachable/i)])
    proxy.up()
    const first = await runCli(args, env)
    if (first.code !== 0) throw new Error(said(first))

    // Down in the middle of a `run` with changes coming in; up again after a while.
    const opsPort = await freePort()
    const run = startCli(
      ['run', '--resources', only.join(',')],
      { ...env, POLL_INTERVAL_MS: '1000', LOG_LEVEL: 'warn', METRICS_PORT: String(opsPort) },
      200_000,
    )
    let shoeSize: string
    try {
      // past its start-up checks (a loaded machine may take seconds): the outage meets a cycle
      await waitFor(
        () =>
          fetch(`http://127.0.0.1:${opsPort}/readyz`).then(
            (res) => res.status,
            () => 0,
          ),
        (status) => status === 200,
        90_000,
      )
      proxy.down()
      changeCompany(sim, 1)
      // A running process has its schemas already; a new custom attribute grows the employees
      // schema, so the outage must be met: nothing of employees can publish until it registers.
      shoeSize = sim.company.addCustomAttribute({
        label: 'Shoe size',
        type: 'integer',
        universalId: 'shoe_size',
      }).key
      await new Promise((r) => setTimeout(r, registryDownMs))
      proxy.up()
      changeCompany(sim, 2)
      await expectConverged(infra, sim, prefix, only)
    } finally {
      run.child.kill('SIGTERM')
    }
    const r = await run.done
    expect({ code: r.code, stderr: r.stderr.slice(-1500) }).toMatchObject({ code: 0 })
    // the outage was met (and said in one line), not slept through
    expect(r.stdout + r.stderr).toMatch(/cycle failed, retrying: Schema registry at \S+ is unreachable/)
    await expectExactlyOnce(infra, sim, prefix, only)
    const employees = await readTable(infra.brokers, infra.registryUrl, prefix, 'employees')
    for (const e of sim.company.list('employees'))
      expect({ id: e.id, shoe: employees.table.get(`[${e.id}]`)?.shoe_size ?? null }).toEqual({
        id: e.id,
        shoe: e.custom[shoeSize],
      })
  }, 300_000)

  it('a second instance with the same configuration fences the first; the topics never see both', async () => {
    const only: ResourceName[] = ['employees']
    sim = await startSimulator({ employees: 30, rateLimits: false })
    const prefix = uniqueName('fence')
    const env = captureEnv(infra, sim, prefix, { RECONCILE_INTERVAL_MS: '0', POLL_INTERVAL_MS: '1000' })
    const args = ['run', '--resources', only.join(',')]
    const a = startCli(args, env, 200_000)
    let b: ReturnType<typeof startCli> | undefined
    try {
      await waitFor(
        () => a.output().stderr + a.output().stdout,
        () => (sim.counters().requests ?? 0) >= 3,
      )
      await new Promise((r) => setTimeout(r, 2_000))
      b = startCli(args, env, 200_000)
      await new Promise((r) => setTimeout(r, 4_000))
      // Changes both instances see: only the newest may publish them.
      for (let round = 1; round <= 3; round++) {
        changeCompany(sim, round)
        await new Promise((r) => setTimeout(r, 1_500))
      }
      const first = await Promise.race([
        a.done,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 20_000)),
      ])
      if (first === undefined)
        throw new Error(`the first instance was not fenced: ${JSON.stringify(a.output())}`)
      expect(first.code).toBe(exitCodes.kafka.code)
      expect(first.stdout + first.stderr).toMatch(/Another instance took over the transactional id/)
      expect(b.child.exitCode).toBeNull()
      await expectConverged(infra, sim, prefix, only)
    } finally {
      a.child.kill('SIGKILL')
      b?.child.kill('SIGTERM')
    }
    const rb = await b.done
    expect({ code: rb.code, stderr: rb.stderr.slice(-1500) }).toMatchObject({ code: 0 })
    await expectExactlyOnce(infra, sim, prefix, only)
  }, 240_000)
})
