// Bad company files on a running worker (issue #28): each stops only itself. A wrong secret fails
// its company alone (its phase in /readyz, which still answers 200; its running metric 0; `status
// --group`), a malformed file is refused in one log line, two files naming one prefix are both
// refused in one line each — and the other companies run and capture all along. Files added,
// fixed or removed while the worker runs take effect without a restart.
import { join } from 'node:path'
import { resourceNames } from '../../../src/resources'
import { testInfra } from '../../infra/env'
import { runCli } from '../../support/cli-child'
import type { GroupStatus } from '../../../src/cli/group-status'
import {
  companyFileText,
  expectCompaniesConverged,
  observe,
  openFleet,
  samples,
  waitReady,
  waitUntil,
  workerLog,
  type Fleet,
  type SimCompany,
  type WorkerProcess,
  companyResources,
} from '../../support/workers'

const infra = testInfra()

describe('workers > bad company files stop only themselves', () => {
  let fleet: Fleet
  let worker: WorkerProcess
  let good: SimCompany[]

  const view = async () => (await worker.readyz())?.body.details
  const phaseOf = async (id: string) => (await view())?.companies.find((c) => c.id === id)
  /** log lines refusing `file` (the worker says each refusal once) */
  const refusals = (file: string) =>
    workerLog(worker)
      .filter((l) => l.file === join(fleet.dir, file) && String(l.msg).startsWith('company file refused'))
      .map((l) => String(l.msg))
  const waitPhase = (id: string, phase: string) =>
    waitUntil(`${id} ${phase}`, async () => ((await phaseOf(id))?.phase === phase ? true : undefined), {
      timeoutMs: 60_000,
      describe: () => ` (${worker.cli.output().stderr.slice(-2000)})`,
    })

  beforeAll(async () => {
    fleet = await openFleet({ infra, name: 'wk-bad' })
    good = [
      await fleet.addCompany('good-a', { employees: 12, seed: 1 }),
      await fleet.addCompany('good-b', { employees: 15, seed: 2 }),
    ]
    await fleet.addCompany('wrong-secret', { employees: 10, seed: 3 }, { secret: 'not-the-secret' })
    fleet.writeFile('broken.json', '{"prefix": "x", "personio": {')
    const shared = `${fleet.name}.shared`
    const sim = good[0]?.sim as SimCompany['sim']
    fleet.writeFile(
      'dup-a.json',
      companyFileText(sim, 'dup-a', { prefix: shared, resources: companyResources }),
    )
    fleet.writeFile(
      'dup-b.json',
      companyFileText(sim, 'dup-b', { prefix: shared, resources: companyResources }),
    )
    fleet.writeFile('dup-a.secret', 'sim-secret\n')
    fleet.writeFile('dup-b.secret', 'sim-secret\n')
    worker = await fleet.startWorker('w1')
    await waitReady(worker)
  }, 120_000)

  afterAll(() => fleet?.close())

  it('a wrong secret fails its company alone: /readyz 200 with the phase, metric 0, status --group; the others capture', async () => {
    await waitPhase('wrong-secret', 'failed')
    await expectCompaniesConverged(infra, good)
    const ready = await worker.readyz()
    expect(ready?.status).toBe(200)
    const failed = ready?.body.details?.companies.find((c) => c.id === 'wrong-secret')
    expect(failed).toMatchObject({ phase: 'failed', error: { code: 'PK_AUTH' } })
    // the line names what to fix: the company's file and its secret file, not PERSONIO_*
    expect(failed?.error?.message).toContain(
      `check personio.clientId in ${join(fleet.dir, 'wrong-secret.json')}`,
    )
    expect(failed?.error?.message).toContain('the secret in wrong-secret.secret')
    expect(
      ready?.body.details?.companies.filter((c) => c.id.startsWith('good-')).map((c) => c.phase),
    ).toEqual(['running', 'running'])
    const running = samples(await worker.metrics(), 'personio_kafka_company_running')
    expect(Object.fromEntries(running.map((s) => [s.labels.company, s.value]))).toEqual({
      'good-a': 1,
      'good-b': 1,
      'wrong-secret': 0,
    })
    const status = await runCli(['status', '--group', '--json'], fleet.env, 60_000)
    expect({ code: status.code, stderr: status.stderr.slice(-1000) }).toMatchObject({ code: 0 })
    const group = JSON.parse(status.stdout) as GroupStatus
    // failed, or being tried again by now (30 s later): either way it says why
    const seen = group.companies.find((c) => c.id === 'wrong-secret')
    expect(seen).toMatchObject({ worker: 'w1', error: { code: 'PK_AUTH' } })
    expect(['failed', 'starting']).toContain(seen?.phase)
    // one company's status: the resources its file names, each capturing, none of the others listed
    const one = await runCli(['status', '--company', 'good-a', '--json'], fleet.env, 60_000)
    expect({ code: one.code, stderr: one.stderr.slice(-1000) }).toMatchObject({ code: 0 })
    const rows = JSON.parse(one.stdout) as { resource: string; phase: string }[]
    expect(rows.map((r) => [r.resource, r.phase])).toEqual(
      resourceNames.filter((r) => companyResources.includes(r)).map((r) => [r, 'capturing']),
    )

    // the right secret written: tried again at once, without a restart
    fleet.writeFile('wrong-secret.secret', 'sim-secret\n')
    await waitPhase('wrong-secret', 'running')
    await expectCompaniesConverged(infra, [...fleet.companies.values()])
  }, 150_000)

  it('a malformed file and two files naming one prefix are refused in one line each; the rest keep running', async () => {
    const lines = {
      broken: refusals('broken.json'),
      dupA: refusals('dup-a.json'),
      dupB: refusals('dup-b.json'),
    }
    expect(lines).toEqual({
      broken: [expect.stringMatching(/broken\.json: not JSON .*; a company file is one JSON object$/)],
      dupA: [
        expect.stringMatching(
          /dup-a\.json: prefix ".*\.shared" is also named by .*dup-b\.json; both are refused/,
        ),
      ],
      dupB: [
        expect.stringMatching(
          /dup-b\.json: prefix ".*\.shared" is also named by .*dup-a\.json; both are refused/,
        ),
      ],
    })
    const refused = (await view())?.refused ?? []
    expect(refused.filter((r) => /broken\.json|dup-a\.json|dup-b\.json/.test(r))).toHaveLength(3)
    expect(((await view())?.companies ?? []).map((c) => c.id)).not.toEqual(expect.arrayContaining(['dup-a']))
    expect(((await view())?.companies ?? []).map((c) => c.id)).not.toEqual(expect.arrayContaining(['dup-b']))
    expect(lines.broken.concat(lines.dupA, lines.dupB).every((l) => !l.includes('\n'))).toBe(true)

    // fixed: the malformed file becomes a company with its own Personio; it starts without a restart
    const fixed = await fleet.addCompany('broken', { employees: 11, seed: 4 })
    await waitPhase('broken', 'running')
    await expectCompaniesConverged(infra, [fixed, ...good])
    expect(worker.exited()).toBe(false)
  }, 120_000)

  it('a company file added at run time starts; one removed stops', async () => {
    const added = await fleet.addCompany('added', { employees: 9, seed: 5 })
    await waitPhase('added', 'running')
    await expectCompaniesConverged(infra, [added])

    fleet.removeFile('good-b.json')
    await waitUntil(
      'good-b gone from the worker',
      async () => ((await view())?.companies.some((c) => c.id === 'good-b') === false ? true : undefined),
      { timeoutMs: 60_000 },
    )
    // it no longer reads its Personio: three poll intervals without a request
    const requests = fleet.companies.get('good-b')?.sim.log.length
    await new Promise((r) => setTimeout(r, 6_000))
    expect(fleet.companies.get('good-b')?.sim.log.length).toBe(requests)
    const running = samples(await worker.metrics(), 'personio_kafka_company_running')
    expect(running.map((s) => s.labels.company)).not.toContain('good-b')
    const o = await observe([worker])
    expect(o.answers[0]?.status).toBe(200)
    expect(worker.exited()).toBe(false)
  }, 120_000)
})
