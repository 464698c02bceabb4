// sync --once against the simulator, as a user checks it: after every cycle each topic, read back
// read_committed and compacted like a consumer's table, holds exactly what the simulator holds —
// creates, updates and deletes of every resource, cascades included — and a cycle with nothing
// changed publishes nothing.
import { resourceNames } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll, readTable } from '../../support/compacted'
import { expectAllCycled, expectTopicsEqualSimulator, syncOnce as runSync } from '../../support/engine-run'

const { brokers, registryUrl } = testInfra()

/** One sync --once, every resource; fails the test when a resource did not complete its cycle. */
export async function syncOnce(sim: RunningSimulator, prefix: string, extra: Record<string, string> = {}) {
  const events = await runSync(sim, prefix, extra)
  expectAllCycled(events)
  return events
}

async function highWatermarks(prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const r of resourceNames) out[r] = (await readAll(brokers, `${prefix}.${r}`)).length
  return out
}

describe('capture > sync --once against the simulator', () => {
  let sim: RunningSimulator
  const prefix = uniqueName('sync')

  beforeAll(async () => {
    sim = await startSimulator({ employees: 14, rateLimits: false, reports: 2, absencesPerEmployee: 2 })
  })
  afterAll(() => sim.close())

  it('a first sync publishes every resource as the simulator holds it', async () => {
    await syncOnce(sim, prefix)
    await expectTopicsEqualSimulator(sim, prefix, resourceNames)
    const employees = await readTable(brokers, registryUrl, prefix, 'employees')
    expect(new Set(employees.lastOp.values())).toEqual(new Set(['r']))
    expect([...employees.table.keys()].sort()).toEqual(
      sim.company
        .list('employees')
        .map((e) => `[${e.id}]`)
        .sort(),
    )
  })

  it('a cycle with nothing changed publishes nothing', async () => {
    const before = await highWatermarks(prefix)
    await syncOnce(sim, prefix)
    expect(await highWatermarks(prefix)).toEqual(before)
  })

  it('creates, updates and deletes of every resource follow, cascades included', async () => {
    const c = sim.company
    sim.company.clock.advance(60_000)
    const [e0, e1, e2] = c.list('employees')
    const gone = e1?.id as number
    const [r0, r1] = c.list('reports')
    // The last checks look for report rows that must be gone: the leaver's rows in the report that
    // stays, and the removed report's rows. They prove something only if those rows were published.
    const rowsBefore = [...(await readTable(brokers, registryUrl, prefix, 'custom_reports')).table.values()]
    const leaversRows = rowsBefore.filter((r) => r.report_id === r0?.id && r.employee_id === gone)
    expect(leaversRows.length).toBeGreaterThan(0)
    expect(rowsBefore.filter((r) => r.report_id === r1?.id).length).toBeGreaterThan(0)
    c.update('employees', e0?.id as number, { position: 'Chief Everything Officer' })
    const hired = c.create('employees', {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.com',
    })
    c.remove('employees', gone)
    for (const t of c.list('timeOffs').filter((t) => t.employeeId === gone)) c.remove('timeOffs', t.id)
    const [t0, t1] = c.list('timeOffs')
    c.update('timeOffs', t0?.id as number, { status: 'rejected', comment: 'changed' })
    c.remove('timeOffs', t1?.id as number)
    c.create('timeOffs', { employeeId: e2?.id as number, comment: 'new' })
    const [p0, p1] = c.list('absencePeriods')
    c.update('absencePeriods', p0?.id as string, { comment: 'moved' })
    c.remove('absencePeriods', p1?.id as string)
    const [a0, a1] = c.list('attendances')
    c.update('attendances', a0?.id as string, { comment: 'late' })
    c.remove('attendances', a1?.id as string)
    const [pr0, pr1] = c.list('projects')
    c.update('projects', pr0?.id as string, { name: 'Renamed' })
    c.remove('projects', pr1?.id as string)
    const [d0, d1] = c.list('documentCategories')
    c.update('documentCategories', d0?.id as number, { name: 'Verträge' })
    c.remove('documentCategories', d1?.id as number)
    const types = c.list('timeOffTypes')
    const goneType = types[types.length - 1]?.id as number
    c.update('timeOffTypes', types[0]?.id as number, { name: 'Urlaub' })
    c.remove('timeOffTypes', goneType)
    c.balanceAdjustments.set(`${e2?.id as number}:${types[0]?.id as number}`, 2.5)
    c.remove('reports', r1?.id as string)
    // Personio recomputes a report's rows when its data changes: data_refreshed_at moves with them.
    c.update('reports', r0?.id as string, { dataRefreshedAt: c.clock.now() })
    await syncOnce(sim, prefix, { RECONCILE_INTERVAL_MS: '0' })
    await expectTopicsEqualSimulator(sim, prefix, resourceNames)
    const employees = await readTable(brokers, registryUrl, prefix, 'employees')
    expect(employees.lastOp.get(`[${gone}]`)).toBe('d')
    expect(employees.lastOp.get(`[${hired.id}]`)).toBe('c')
    expect(employees.lastOp.get(`[${e0?.id as number}]`)).toBe('u')
    const balances = await readTable(brokers, registryUrl, prefix, 'employees_absences_balance')
    expect([...balances.table.keys()].filter((k) => k.startsWith(`[${gone},`))).toEqual([])
    expect([...balances.table.keys()].filter((k) => k.endsWith(`,${goneType}]`))).toEqual([])
    expect(
      [...balances.lastOp].filter(([k, op]) => k.startsWith(`[${gone},`) && op === 'd').length,
    ).toBeGreaterThan(0)
    const rows = await readTable(brokers, registryUrl, prefix, 'custom_reports')
    expect([...rows.table.values()].filter((r) => r.report_id === r1?.id)).toEqual([])
    expect([...rows.table.values()].filter((r) => r.employee_id === gone)).toEqual([])
  })

  it('tombstones carry the identical key bytes of the upserts and are never older than them', async () => {
    const records = await readAll(brokers, `${prefix}.employees`)
    const tombstones = records.filter((r) => r.value === null)
    expect(tombstones.length).toBeGreaterThan(0)
    for (const t of tombstones) {
      const upserts = records.filter((r) => r.value !== null && r.key?.equals(t.key as Buffer))
      expect(upserts.length).toBeGreaterThan(0)
      expect(upserts.every((u) => u.partition === t.partition)).toBe(true)
      expect(Math.max(...upserts.map((u) => u.timestamp))).toBeLessThanOrEqual(t.timestamp)
    }
  })
})
