// A worker through a broker restart (issue #28). The group's broker is killed and started again (a
// broker of its own: the shared one stays up for the other test files). The worker stays up: while
// the broker is gone it says it is out of the group and holds nothing (/readyz 503), it joins again
// by itself once the broker answers, and its companies capture the changes made meanwhile, exactly
// once. Before the fix the worker answered 200 while out of the group, holding nothing (this test
// failed so). Which way kafkajs reports the outage (a lost connection it restarts from, or a
// coordinator not found that the worker rejoins from) depends on timing; the unit tests of
// worker-group.ts hold each path.
import { testInfra } from '../../infra/env'
import { startThrowawayBroker, type ThrowawayBroker } from '../../support/throwaway-broker'
import {
  changeCompanyData,
  expectCompaniesConverged,
  openFleet,
  waitReady,
  waitUntil,
  workerLog,
  type Fleet,
  type SimCompany,
  type WorkerProcess,
} from '../../support/workers'

const shared = testInfra()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('workers > the broker restarts under a worker', () => {
  let broker: ThrowawayBroker
  let fleet: Fleet | undefined

  beforeAll(async () => {
    broker = await startThrowawayBroker()
  }, 120_000)
  afterAll(async () => {
    await fleet?.close().catch(() => undefined)
    await broker?.destroy()
  })

  it('the worker stays up, joins again by itself once the broker is back, and its companies catch up', async () => {
    const infra = { brokers: broker.brokers, registryUrl: shared.registryUrl }
    fleet = await openFleet({ infra, name: 'wk-restart', rateLimits: false })
    const companies: SimCompany[] = [
      await fleet.addCompany('acme', { employees: 12, seed: 1 }),
      await fleet.addCompany('globex', { employees: 9, seed: 2 }),
    ]
    const worker: WorkerProcess = await fleet.startWorker('w1')
    await waitReady(worker)
    await expectCompaniesConverged(infra, companies)

    await broker.stop('SIGKILL')
    // not ready, and saying why: out of the group (not only "kafka unreachable")
    const outage = await waitUntil(
      'w1 to say it is out of the group while the broker is gone',
      async () => {
        if (worker.exited()) throw new Error(`w1 exited: ${worker.cli.output().stderr.slice(-3000)}`)
        const answer = await worker.readyz()
        const out = answer?.body.reasons?.some((r) => r.startsWith('out of the workers group, joining again'))
        return answer !== undefined && out === true ? answer : undefined
      },
      { timeoutMs: 60_000 },
    )
    expect(outage.status).toBe(503)
    expect(outage.body.details?.assignment?.partitions).toEqual([])
    // longer than every retry of the client's (a few seconds): a worker that gave up would be gone
    await sleep(12_000)
    for (const c of companies) changeCompanyData(c, 1)
    expect(worker.exited()).toBe(false)

    await broker.start()
    const back = await waitReady(worker, 120_000)
    expect(back.body.details?.assignment?.partitions.length).toBe(32)
    await expectCompaniesConverged(infra, companies, { timeoutMs: 150_000 })
    expect(worker.exited()).toBe(false)
    expect(workerLog(worker).filter((l) => String(l.msg).startsWith('the worker stops'))).toEqual([])
  }, 420_000)
})
