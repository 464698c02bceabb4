// A full listing of a resource followed by webhooks and an inbox batch of that resource never
// publish over each other: both are units of the resource's lane (src/capture/engine/lanes.ts), so
// one waits until the other has ended. The interleavings that timing makes rare are made certain
// with pause points (src/ops/crash-points.ts), and the batch is handed to capture as the inbox feed
// hands it:
// - the listing is held after it read its page, before it diffs it; meanwhile a person is renamed
//   and another hired, and the batch announcing both arrives. A batch that ran beside the listing
//   would publish both, then the listing its older read of the renamed person over the newer one,
//   and a tombstone for the hire it never saw;
// - a batch is in flight (in the lane, queued behind a transaction of the resource still open)
//   when the listing starts, and the person is renamed after the listing began. A listing that
//   does not wait for the batch reads the old name first and publishes it over the batch's newer
//   read.
// Either way the topic must end as Personio has it.
import { openEngine, type Engine } from '../../../src/capture/engine/engine'
import { prepareResource } from '../../../src/capture/read/prepare'
import { applyInboxWork, inboxWorkOf } from '../../../src/capture/sources/webhook/inbox-apply'
import type { IncomingRecord } from '../../../src/kafka/port'
import { setPauseHook } from '../../../src/ops/crash-points'
import { silentLogger } from '../../../src/ops/logger'
import { resources } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { readTable } from '../../support/compacted'
import {
  configFor,
  expectAllCycled,
  expectTopicsEqualSimulator,
  settlePrefix,
} from '../../support/engine-run'

const { brokers, registryUrl } = testInfra()
const employees = resources.employees
/** long enough for a batch that runs beside a listing to be applied */
const BESIDE_MS = 1_000

/** An inbox record as the receiver wrote it for one of Personio's deliveries. */
const delivery = (event_name: string, id: number, offset: number): IncomingRecord => ({
  topic: 'inbox',
  partition: 0,
  offset: String(offset),
  key: Buffer.from(`person:${id}`),
  value: Buffer.from(
    JSON.stringify({
      company_id: '1',
      event_name,
      occurred_at: new Date().toISOString(),
      payload: { id: String(id) },
    }),
  ),
  headers: {},
  timestamp: Date.now(),
})

describe('capture > a full listing and the inbox of the same resource', () => {
  let sim: RunningSimulator
  let engine: Engine | undefined
  beforeEach(async () => {
    sim = await startSimulator({ employees: 12, rateLimits: false, reports: 0, realClock: true })
  })
  afterEach(async () => {
    setPauseHook(undefined)
    await engine?.close()
    engine = undefined
    await sim.close()
  })

  /** Employees published by a first sync, then followed by webhooks; every later cycle lists in full. */
  async function following(prefix: string, followed = true) {
    engine = await openEngine({
      config: configFor(sim, prefix, { CAPTURE_RESOURCES: 'employees', RECONCILE_INTERVAL_MS: '0' }),
      logger: silentLogger,
    })
    const opened = engine
    expectAllCycled(await opened.syncOnce())
    // as `run` marks a resource its subscription covers
    // false: its inbox still runs while it polls again for a lost subscription
    opened.ctx.webhooks.set('employees', followed)
    return { engine: opened, ctx: opened.ctx, prepared: await prepareResource(opened.ctx, employees) }
  }

  it.each([
    ['following webhooks', true],
    ['polled again for a lost subscription', false],
  ])(
    '%s: a change the inbox brings while the listing holds its page is neither overwritten nor tombstoned',
    async (_, followed) => {
      const prefix = uniqueName('listing-inbox')
      const { engine, ctx, prepared } = await following(prefix, followed)
      const [renamed] = sim.company.list('employees')
      let hiredId: number | undefined
      let batch: Promise<unknown> | undefined
      let pauses = 0
      setPauseHook(async () => {
        pauses += 1
        if (pauses > 1) return
        sim.company.update('employees', renamed!.id, { lastName: 'Renamed meanwhile' })
        hiredId = sim.company.create('employees', { firstName: 'New', lastName: 'Hire' }).id
        const work = inboxWorkOf(employees, [
          delivery('person.updated', renamed!.id, 0),
          delivery('person.created', hiredId, 1),
        ])
        batch = applyInboxWork(ctx, employees, prepared, work)
        // The listing goes on once the batch is applied, or after a second: in the lane the batch
        // waits for the listing (which must not wait for a batch that waits for it); a batch that
        // ran beside the listing has been applied by then (it reads one page in milliseconds).
        await Promise.race([batch, new Promise((r) => setTimeout(r, BESIDE_MS))])
      })
      expectAllCycled(await engine.syncOnce())
      await batch
      expect(pauses).toBeGreaterThan(0) // the listing really was held with its page read
      await settlePrefix(prefix)
      const { table, lastOp } = await readTable(brokers, registryUrl, prefix, 'employees')
      expect({
        renamed: table.get(`[${renamed!.id}]`)?.last_name,
        hired: [lastOp.get(`[${hiredId}]`), table.get(`[${hiredId}]`)?.last_name],
      }).toEqual({ renamed: 'Renamed meanwhile', hired: ['c', 'Hire'] })
      await expectTopicsEqualSimulator(sim, prefix, ['employees'])
    },
    120_000,
  )

  it("a full listing waits for an inbox batch in flight: the batch's newer read is not overwritten", async () => {
    const prefix = uniqueName('listing-inbox')
    const { engine, ctx, prepared } = await following(prefix)
    const [renamed] = sim.company.list('employees')
    // the batch is in flight: in the lane, queued behind a transaction of the resource still open
    let open: () => void = () => undefined
    const gate = new Promise<void>((r) => (open = r))
    const earlier = ctx.serial(employees.name, () => gate)
    const batch = applyInboxWork(
      ctx,
      employees,
      prepared,
      inboxWorkOf(employees, [delivery('person.updated', renamed!.id, 0)]),
    )
    let paused: string | undefined
    setPauseHook(async (point) => {
      if (paused !== undefined) return
      paused = point
      // the listing began (its turn taken behind the batch, or, without the lane, its page read):
      // renamed now, the batch reads after this, so it reads the new name
      sim.company.update('employees', renamed!.id, { lastName: 'Renamed meanwhile' })
      open()
      // a listing that read its page already goes on once the batch is applied
      if (point === 'listing-page-read') await batch
    })
    expectAllCycled(await engine.syncOnce())
    await Promise.all([batch, earlier])
    expect(paused).toBeDefined() // the listing started while the batch was in flight
    await settlePrefix(prefix)
    const { table } = await readTable(brokers, registryUrl, prefix, 'employees')
    expect(table.get(`[${renamed!.id}]`)?.last_name).toBe('Renamed meanwhile')
    await expectTopicsEqualSimulator(sim, prefix, ['employees'])
  }, 120_000)
})
