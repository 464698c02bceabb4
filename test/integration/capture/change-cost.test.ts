// A change costs what it touched, against the simulator, on the in-memory Kafka and registry
// (test/support/memory-engine.ts): a new custom
// attribute filled on a few employees publishes those employees and reads no balance; a last-name
// change or an absence-type rename reads no balance; one absence reads one balance; what can move
// an entitlement (a status, a type's category) still reads the balances it can move. Counted as a
// user would: the simulator's requests, and the records on the topics.
import type { ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { expectAllCycled } from '../../support/engine-run'
import { memoryWorld, type MemoryWorld } from '../../support/memory-engine'

const only = { CAPTURE_RESOURCES: 'employees,absences,absence_types,employees_absences_balance' }
const EMPLOYEES = 30

describe('capture > change cost', () => {
  let sim: RunningSimulator
  let world: MemoryWorld
  beforeAll(async () => {
    sim = await startSimulator({
      employees: EMPLOYEES,
      absencesPerEmployee: 1,
      rateLimits: false,
      reports: 0,
    })
    world = memoryWorld(sim, 'cost')
    expectAllCycled(await world.syncOnce(only))
    expectAllCycled(await world.syncOnce(only)) // idle: the stages have caught up
  })
  afterAll(() => sim.close())

  const topicCount = (resource: ResourceName) => world.size(resource)

  /** One `sync --once` after `change`: the balance reads it made and the records it published. */
  async function costOf(change: () => void) {
    change()
    const [employeesBefore, balancesBefore] = [
      topicCount('employees'),
      topicCount('employees_absences_balance'),
    ]
    const mark = sim.log.length
    expectAllCycled(await world.syncOnce(only))
    const requests = sim.log.slice(mark)
    return {
      balanceReads: requests.filter((l) => l.path.endsWith('/absences/balance')).map((l) => l.path),
      employeeEvents: topicCount('employees') - employeesBefore,
      balanceEvents: topicCount('employees_absences_balance') - balancesBefore,
    }
  }

  it('a new custom attribute filled on some employees publishes those employees and reads no balance', async () => {
    const ids = sim.company.list('employees').map((e) => e.id)
    const filled = ids.slice(0, 10)
    let key = ''
    const cost = await costOf(() => {
      key = sim.company.addCustomAttribute(
        { label: 'Locker', type: 'integer', universalId: 'locker' },
        filled,
      ).key
    })
    // the simulator, like Personio, may leave a filled attribute empty now and then
    const carrying = sim.company.list('employees').filter((e) => e.custom[key] !== null)
    expect(carrying.length).toBeGreaterThan(0)
    expect(cost.employeeEvents).toBe(carrying.length)
    expect(cost.balanceReads).toEqual([])
    const table = await world.readTable('employees')
    // records published before the attribute existed read as null with the new schema
    for (const e of sim.company.list('employees'))
      expect(table.table.get(`[${e.id}]`)?.locker ?? null).toBe(e.custom[key])
  })

  it('a last-name change publishes one employee and reads no balance', async () => {
    const [someone] = sim.company.list('employees')
    const cost = await costOf(() => sim.company.update('employees', someone!.id, { lastName: 'Renamed' }))
    expect(cost).toMatchObject({ employeeEvents: 1, balanceReads: [], balanceEvents: 0 })
    const table = await world.readTable('employees')
    expect(table.table.get(`[${someone!.id}]`)?.last_name).toBe('Renamed')
  })

  it('an absence-type rename reads no balance', async () => {
    const type = sim.company.list('timeOffTypes').find((t) => t.unit === 'day')!
    const cost = await costOf(() =>
      sim.company.update('timeOffTypes', type.id, { name: `${type.name} (renamed)` }),
    )
    expect(cost.balanceReads).toEqual([])
    const types = await world.readTable('absence_types')
    expect(types.table.get(`[${type.id}]`)?.name).toBe(`${type.name} (renamed)`)
    await world.expectTopicsEqualSimulator(['employees_absences_balance', 'absence_types'])
  })

  it('an absence of one employee reads that employee’s balance, once', async () => {
    const someone = sim.company.list('employees')[3]!
    const type = sim.company
      .list('timeOffTypes')
      .find((t) => t.unit === 'day' && t.category === 'paid_vacation')!
    const cost = await costOf(() => {
      const day = Math.floor(sim.company.clock.now() / 86_400_000) - 3
      sim.company.create('timeOffs', {
        employeeId: someone.id,
        typeId: type.id,
        status: 'approved',
        startDay: day,
        endDay: day,
        daysCount: 1,
      })
    })
    expect(cost.balanceReads).toEqual([`/v1/company/employees/${someone.id}/absences/balance`])
    expect(cost.balanceEvents).toBeGreaterThan(0)
    // (absences still name the type as before its rename: Personio's listing of changed absences
    // does not return them for it; the daily full listing does)
    await world.expectTopicsEqualSimulator(['employees_absences_balance'])
  })

  it('each employee field that moves an entitlement re-reads that balance, with its new value', async () => {
    // the simulator derives entitlements from these fields (src/simulator/state/entitlement.ts),
    // written apart from the declaration: a field missing from `parentFields` leaves a balance stale
    const today = Math.floor(sim.company.clock.now() / 86_400_000)
    const yearStart = Date.UTC(new Date(today * 86_400_000).getUTCFullYear(), 0, 1) / 86_400_000
    const plain = sim.company
      .list('employees')
      .filter(
        (e) =>
          e.status !== 'inactive' &&
          e.hireDate < yearStart &&
          e.terminationDate === null &&
          e.contractEndDate === null &&
          e.lastWorkingDay === null,
      )
    const changes = [
      { weeklyWorkingHours: plain[0]?.weeklyWorkingHours === '20' ? '40' : '20' },
      { terminationDate: yearStart + 100 },
      { contractEndDate: yearStart + 150 },
      { lastWorkingDay: yearStart + 200 },
      { hireDate: yearStart + 50 },
      { status: 'inactive' as const },
    ]
    expect(plain.length).toBeGreaterThanOrEqual(changes.length)
    const vacation = (id: number) => JSON.stringify(sim.company.balances(id))
    const before = plain.map((e) => vacation(e.id))
    const cost = await costOf(() =>
      changes.forEach((patch, i) => sim.company.update('employees', plain[i]!.id, patch)),
    )
    changes.forEach((_, i) => expect(vacation(plain[i]!.id)).not.toBe(before[i])) // each one moved
    expect(new Set(cost.balanceReads).size).toBe(changes.length)
    await world.expectTopicsEqualSimulator(['employees_absences_balance'])
  })

  it('what can move an entitlement still reads: a status change one balance, a category change all', async () => {
    const someone = sim.company.list('employees')[5]!
    const status = await costOf(() =>
      sim.company.update('employees', someone.id, {
        status: someone.status === 'active' ? 'leave' : 'active',
      }),
    )
    expect(status.balanceReads).toEqual([`/v1/company/employees/${someone.id}/absences/balance`])
    const type = sim.company
      .list('timeOffTypes')
      .find((t) => t.unit === 'day' && t.category !== 'paid_vacation')!
    const category = await costOf(() =>
      sim.company.update('timeOffTypes', type.id, { category: 'paid_vacation' }),
    )
    expect(new Set(category.balanceReads).size).toBe(EMPLOYEES)
    await world.expectTopicsEqualSimulator(['employees_absences_balance'])
  })
})
