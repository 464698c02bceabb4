// Cursors that never run ahead of time and never park a change, against the simulator on the
// in-memory Kafka and registry (test/support/memory-engine.ts): a record stamped in the future does
// not hold back later changes; the next read starts from when the listing began, not from the
// newest change it saw; a filter bound holds whether Personio reads naive date-times as UTC or as
// Berlin time; a new custom attribute is filled even when the cycle that found it failed; a refused
// resume position starts the listing over. On the real broker, for what only Kafka shows: a second
// instance fences the first whatever its KAFKA_CLIENT_ID.
import { Kafka, logLevel } from 'kafkajs'
import { openEngine } from '../../../src/capture/engine/engine'
import { FencedError } from '../../../src/errors'
import { silentLogger } from '../../../src/ops/logger'
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import {
  configFor,
  expectTopicsEqualSimulator,
  expectAllCycled,
  settlePrefix,
  syncOnce,
} from '../../support/engine-run'
import { memoryWorld } from '../../support/memory-engine'

const { brokers } = testInfra()
const employeesOnly = { CAPTURE_RESOURCES: 'employees' }

const planOf = (events: Awaited<ReturnType<typeof syncOnce>>, resource: ResourceName) => {
  const e = events.find((x) => x.resource === resource)
  return e?.kind === 'cycle' && 'plan' in e.report ? e.report.plan : e?.kind
}

describe('capture > cursors', () => {
  let sim: RunningSimulator
  afterEach(() => sim.close())

  it('a record stamped in the future is published, said, and does not park later changes', async () => {
    sim = await startSimulator({ employees: 20, rateLimits: false, reports: 0 })
    const world = memoryWorld(sim, 'future')
    expectAllCycled(await world.syncOnce(employeesOnly))
    const [odd, ...rest] = sim.company.list('employees')
    sim.company.update('employees', odd?.id as number, { position: 'Time traveller' })
    // Personio's stamp of that change is wrong: far in the future
    const stored = sim.company.list('employees').find((e) => e.id === odd?.id)
    ;(stored as { lastModifiedAt: number }).lastModifiedAt = Date.parse('2099-01-01T00:00:00Z')
    expectAllCycled(await world.syncOnce(employeesOnly))
    const cursor = await world.cursor('employees')
    expect(cursor.changedAt).toBeLessThanOrEqual(sim.company.clock.now())
    // status as the CLI reads it (our clock): how far capture is behind Personio's clock, not 2099
    const [status] = await world.status(['employees'])
    expect(status?.stampedAhead).toMatch(/^1 record\(s\), latest 2099-01-01/)
    expect(status?.lagSeconds).toBeLessThan(60)
    // three ordinary updates a minute later arrive through incremental cycles
    sim.company.clock.advance(60_000)
    const later = rest.slice(0, 3)
    for (const e of later) sim.company.update('employees', e.id, { position: 'Promoted' })
    const events = await world.syncOnce(employeesOnly)
    expect(planOf(events, 'employees')).toBe('incremental')
    const table = await world.readTable('employees')
    for (const e of later) expect(table.table.get(`[${e.id}]`)?.position).toBe('Promoted')
    expect(table.table.get(`[${odd?.id as number}]`)?.position).toBe('Time traveller')
  })

  it('an incremental read starts from when the listing before it began, not from its newest change', async () => {
    sim = await startSimulator({ employees: 150, rateLimits: false, reports: 0 })
    const world = memoryWorld(sim, 'overlap')
    const [early, late] = [sim.company.list('employees')[5], sim.company.list('employees')[120]]
    // While the first listing is between page 1 and page 2, one employee already read changes, and
    // twenty minutes later (more than OVERLAP_MS) one still to be read does.
    sim.faults.inject({
      path: '/v1/company/employees',
      queryIncludes: 'offset=0',
      times: 1,
      then: () => {
        sim.company.clock.advance(60_000)
        sim.company.update('employees', early?.id as number, { position: 'Changed behind the reader' })
        sim.company.clock.advance(20 * 60_000)
        sim.company.update('employees', late?.id as number, { position: 'Changed ahead of the reader' })
      },
    })
    expectAllCycled(await world.syncOnce(employeesOnly))
    expect(sim.faults.hits()[0]?.hits).toBe(1)
    const events = await world.syncOnce(employeesOnly)
    expect(planOf(events, 'employees')).toBe('incremental')
    const table = await world.readTable('employees')
    expect(table.table.get(`[${early?.id as number}]`)?.position).toBe('Changed behind the reader')
    await world.expectTopicsEqualSimulator(['employees'])
  })

  it('a change minutes after a sync arrives when Personio reads naive filter times as UTC', async () => {
    sim = await startSimulator({ employees: 20, rateLimits: false, reports: 0, naiveFilterZone: 'UTC' })
    const world = memoryWorld(sim, 'utc')
    expectAllCycled(await world.syncOnce(employeesOnly))
    const [first, ...rest] = sim.company.list('employees')
    sim.company.update('employees', first?.id as number, { position: 'First change' })
    expectAllCycled(await world.syncOnce(employeesOnly))
    sim.company.clock.advance(3 * 60_000)
    const later = rest.slice(0, 3)
    for (const e of later) sim.company.update('employees', e.id, { position: 'Three minutes later' })
    const mark = sim.log.length
    const events = await world.syncOnce(employeesOnly)
    expect(planOf(events, 'employees')).toBe('incremental')
    expect(sim.log.slice(mark).some((l) => l.query.includes('updated_since='))).toBe(true)
    const table = await world.readTable('employees')
    for (const e of later) expect(table.table.get(`[${e.id}]`)?.position).toBe('Three minutes later')
  })

  it('a custom attribute found by a cycle that failed is still filled on every employee', async () => {
    sim = await startSimulator({ employees: 20, rateLimits: false, reports: 0 })
    const world = memoryWorld(sim, 'fill')
    expectAllCycled(await world.syncOnce(employeesOnly))
    const def = sim.company.addCustomAttribute({
      label: 'Shoe size',
      type: 'integer',
      universalId: 'shoe_size',
    })
    // the schema grows and is registered, then the listing is refused (the cycle and its retry)
    sim.faults.inject({ path: '/v1/company/employees', queryIncludes: 'offset=', status: 403, times: 2 })
    const failed = await world.syncOnce(employeesOnly)
    expect(failed.find((e) => e.resource === 'employees')?.kind).toBe('stopped')
    sim.faults.clear()
    const events = await world.syncOnce(employeesOnly)
    expect(planOf(events, 'employees')).toBe('reconcile')
    const table = await world.readTable('employees')
    for (const e of sim.company.list('employees'))
      expect(table.table.get(`[${e.id}]`)?.shoe_size ?? null).toBe(e.custom[def.key])
    expect((await world.cursor('employees')).customFields).toContain('shoe_size')
  })

  it('a resume position Personio refuses (an expired v2 cursor) starts that listing over', async () => {
    sim = await startSimulator({ employees: 40, attendancesPerEmployee: 3, rateLimits: false, reports: 0 })
    const world = memoryWorld(sim, 'refused')
    const only = { CAPTURE_RESOURCES: 'attendances', TRANSACTION_MAX_RECORDS: '100' }
    // page 2 is refused twice (the cycle and its retry): the snapshot stops after page 1
    sim.faults.inject({ path: '/v2/attendance-periods', queryIncludes: 'cursor=', status: 403, times: 2 })
    const stopped = await world.syncOnce(only)
    expect(stopped.find((e) => e.resource === 'attendances')?.kind).toBe('stopped')
    expect(typeof (await world.cursor('attendances')).snapshotResumeAt).toBe('string')
    // the stored position has expired: Personio answers 400 to it
    sim.faults.clear()
    sim.faults.inject({ path: '/v2/attendance-periods', queryIncludes: 'cursor=', status: 400, times: 1 })
    const events = await world.syncOnce(only)
    expectAllCycled(events)
    expect(sim.faults.hits()[0]?.hits).toBe(1)
    expect((await world.cursor('attendances')).snapshotDone).toBe(true)
    await world.expectTopicsEqualSimulator(['attendances'])
  })

  it('a second instance on the same prefix fences the first, whatever their KAFKA_CLIENT_ID', async () => {
    sim = await startSimulator({ employees: 10, rateLimits: false, reports: 0 })
    const prefix = uniqueName('fence')
    const first = await openEngine({
      config: configFor(sim, prefix, { ...employeesOnly, KAFKA_CLIENT_ID: 'first' }),
      logger: silentLogger,
    })
    try {
      const second = await openEngine({
        config: configFor(sim, prefix, { ...employeesOnly, KAFKA_CLIENT_ID: 'second' }),
        logger: silentLogger,
      })
      try {
        const events = await first.syncOnce()
        const employees = events.find((e) => e.resource === 'employees')
        expect(employees?.kind).toBe('stopped')
        expect((employees as { error?: unknown }).error).toBeInstanceOf(FencedError)
        expectAllCycled(await second.syncOnce())
      } finally {
        await second.close()
      }
    } finally {
      await first.close()
    }
    await settlePrefix(prefix)
    await expectTopicsEqualSimulator(sim, prefix, ['employees'])
  })

  it('fences an instance of a release that named its transactional ids after KAFKA_CLIENT_ID', async () => {
    sim = await startSimulator({ employees: 5, rateLimits: false, reports: 0 })
    const prefix = uniqueName('legacy')
    const hrSync = { ...employeesOnly, KAFKA_CLIENT_ID: 'hr-sync' }
    expectAllCycled(await syncOnce(sim, prefix, hrSync))
    // the old release's producer, killed with a transaction open on the employees topic
    const kafka = new Kafka({ brokers, clientId: 'test-legacy', logLevel: logLevel.NOTHING })
    const old = kafka.producer({
      transactionalId: `hr-sync.${prefix}.employees`,
      idempotent: true,
      maxInFlightRequests: 1,
    })
    await old.connect()
    const tx = await old.transaction()
    await tx.send({ topic: `${prefix}.employees`, messages: [{ key: 'stray', value: 'never committed' }] })
    try {
      expectAllCycled(await syncOnce(sim, prefix, hrSync))
      // the old producer was fenced: its transaction can no longer commit
      await expect(tx.commit()).rejects.toThrow()
    } finally {
      await old.disconnect()
    }
    await expectTopicsEqualSimulator(sim, prefix, ['employees'])
  })
})
