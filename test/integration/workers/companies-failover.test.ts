// Issue #28's proof: 20 simulated companies on three worker processes of one group. After the first
// syncs of all, one worker is SIGKILLed while it starts a company's first sync (the others are busy
// with a round of changes) and a fourth worker joins; later one worker is stopped with SIGTERM. Who
// runs what is read from every worker's /readyz every 250 ms throughout: no company may be in two
// workers' running lists at once. Every company's topics, read_committed, must then hold each
// change once and equal its simulator — the killed worker's open transactions aborted by the
// fence of the worker that took its companies over. The time from the kill to every orphaned
// company running again is printed, not asserted.
import { testInfra } from '../../infra/env'
import {
  changeCompanyData,
  companiesIn,
  describeObservation,
  expectCompaniesConverged,
  openFleet,
  placement,
  signalWorker,
  waitPlaced,
  waitReady,
  waitUntil,
  watchGroup,
  type Fleet,
  type GroupWatch,
  type SimCompany,
} from '../../support/workers'

const infra = testInfra()
const COMPANIES = 20
const ids = (companies: Iterable<SimCompany>) => [...companies].map((c) => c.id)

describe('workers > 20 companies on three workers: one killed mid-sync, one added, one stopped', () => {
  let fleet: Fleet
  let watch: GroupWatch | undefined

  beforeAll(async () => {
    fleet = await openFleet({ infra, name: 'wk-failover' })
    for (let i = 1; i <= COMPANIES; i++)
      await fleet.addCompany(`c${i}`, { employees: 10 + ((i * 7) % 21), seed: i })
    const workers = await Promise.all(['w1', 'w2', 'w3'].map((name) => fleet.startWorker(name)))
    await Promise.all(workers.map((w) => waitReady(w)))
    watch = watchGroup(fleet)
  }, 120_000)

  afterAll(async () => {
    await watch?.stop()
    await fleet?.close()
  })

  afterEach(() => {
    // overlaps are checked in every test; the first one is the one to read
    expect(watch?.overlaps() ?? []).toEqual([])
  })

  it('first syncs of all; a worker SIGKILLed mid-sync and one added: every company once, on one worker at a time', async () => {
    const first = [...fleet.companies.values()]
    await waitPlaced(fleet, ids(first))
    await expectCompaniesConverged(infra, first, { timeoutMs: 90_000 })

    // busy: every company has changes to capture, and three new companies start their first sync
    first.forEach((c) => changeCompanyData(c, 1))
    const late = await Promise.all(
      [21, 22, 23].map((i) => fleet.addCompany(`c${i}`, { employees: 150, seed: i })),
    )
    // the worker that runs a new company first is killed as soon as it does: mid first sync
    const seen = await waitUntil(
      'a new company running',
      async () => {
        const o = watch?.observations.at(-1)
        const holder =
          o === undefined
            ? undefined
            : late.map((c) => companiesIn(o).get(c.id)?.[0]).find((w) => w !== undefined)
        return holder === undefined || o === undefined ? undefined : { o, holder }
      },
      { timeoutMs: 60_000, everyMs: 50 },
    )
    const victim = fleet.workers.find((w) => w.name === seen.holder)
    if (victim === undefined) throw new Error(`no worker ${seen.holder}`)
    const orphans = [...companiesIn(seen.o)]
      .filter(([, holders]) => holders.includes(victim.name))
      .map(([id]) => id)
    const killedAt = Date.now()
    const killed = await signalWorker(victim, 'SIGKILL')
    expect(killed.signal).toBe('SIGKILL')
    const survivors = fleet.live().map((w) => w.name)
    const back = await waitUntil(
      'every orphaned company running again',
      async () => watch?.firstWhere(killedAt, (o) => placement(o, orphans, survivors) !== undefined),
      {
        timeoutMs: 90_000,
        describe: () => `; last seen: ${describeObservation(watch?.observations.at(-1))}`,
      },
    )
    process.stdout.write(
      `workers: SIGKILL of ${victim.name} → its ${orphans.length} companies (${orphans.join(', ')}) running again on the others: ${back.at - killedAt} ms (session timeout 6000 ms)\n`,
    )

    // a worker added once the others hold everything: companies move to it from live workers
    const added = await fleet.startWorker('w4')
    await waitReady(added)
    const all = [...fleet.companies.values()]
    const placed = await waitUntil(
      'the added worker running some companies',
      async () => {
        const o = watch?.observations.at(-1)
        const p =
          o === undefined
            ? undefined
            : placement(
                o,
                ids(all),
                fleet.live().map((w) => w.name),
              )
        return p !== undefined && [...p.values()].includes(added.name) ? p : undefined
      },
      {
        timeoutMs: 90_000,
        describe: () => `; last seen: ${describeObservation(watch?.observations.at(-1))}`,
      },
    )
    const moved = [...placed].filter(([, w]) => w === added.name).map(([id]) => id)
    process.stdout.write(
      `workers: ${added.name} added → runs ${moved.length} companies (${moved.join(', ')})\n`,
    )
    all.forEach((c) => changeCompanyData(c, 2))
    await expectCompaniesConverged(infra, all, { timeoutMs: 120_000 })
  }, 300_000)

  it('a worker stopped with SIGTERM hands its companies over and exits 0', async () => {
    const all = [...fleet.companies.values()]
    const before = await waitPlaced(fleet, ids(all), { on: fleet.live().map((w) => w.name) })
    const leaving = fleet.live()[0]
    if (leaving === undefined) throw new Error('no live worker')
    const handed = [...before].filter(([, w]) => w === leaving.name).map(([id]) => id)
    expect(handed.length).toBeGreaterThan(0)
    const stoppedAt = Date.now()
    const ended = await signalWorker(leaving, 'SIGTERM')
    expect({ code: ended.code, stderr: ended.stderr.slice(-1500) }).toMatchObject({ code: 0 })
    const others = fleet.live().map((w) => w.name)
    const back = await waitUntil(
      'the stopped worker’s companies running elsewhere',
      async () => watch?.firstWhere(stoppedAt, (o) => placement(o, handed, others) !== undefined),
      {
        timeoutMs: 60_000,
        describe: () => `; last seen: ${describeObservation(watch?.observations.at(-1))}`,
      },
    )
    process.stdout.write(
      `workers: SIGTERM of ${leaving.name} → its ${handed.length} companies running elsewhere: ${back.at - stoppedAt} ms\n`,
    )
    all.forEach((c) => changeCompanyData(c, 3))
    await expectCompaniesConverged(infra, all, { timeoutMs: 90_000 })
  }, 240_000)
})
