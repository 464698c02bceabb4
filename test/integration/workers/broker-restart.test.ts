// A worker through a broker restart (issue #28; a CI run showed a worker giving up its group when
// the coordinator was not there yet). The group's broker is killed and started again (a broker of
// its own: the shared one stays up for the other test files). The worker stays up and keeps its
// place: while the broker is gone it says it is out of the group (/readyz 503), it joins again by
// itself once the broker answers — however long the coordinator takes to load — and its companies
// capture the changes made meanwhile, exactly once.
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
    const down = (what: string) =>
      waitUntil(
        what,
        async () => {
          if (worker.exited()) throw new Error(`w1 exited: ${worker.cli.output().stderr.slice(-3000)}`)
          const answer = await worker.readyz()
          return answer !== undefined && answer.status !== 200 ? answer : undefined
        },
        { timeoutMs: 60_000 },
      )
    const outage = await down('w1 to say it is not ready while the broker is gone')
    expect(outage.status).toBe(503)
    // longer than every retry of the client's (a few seconds): a worker that gave up would be gone
    await sleep(12_000)
    for (const c of companies) changeCompanyData(c, 1)
    expect(worker.exited()).toBe(false)

    await broker.start()
    // the coordinator of a restarted broker answers "not available" while it loads the group's
    // offsets partition: the worker waits that out instead of leaving
    const back = await waitReady(worker, 120_000)
    expect(back.body.details?.assignment?.partitions.length).toBe(32)
    await expectCompaniesConverged(infra, companies, { timeoutMs: 150_000 })
    expect(worker.exited()).toBe(false)
    expect(workerLog(worker).filter((l) => String(l.msg).startsWith('the worker stops'))).toEqual([])
  }, 420_000)
})
