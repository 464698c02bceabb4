// The client against the simulator: every endpoint, its pagination style and change filter,
// compared with what the simulator holds.
import { collect, createPersonioClient } from '../../../src/personio'
import { berlinDay } from '../../../src/personio/dates'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'

describe('personio > client against the simulator', () => {
  let sim: RunningSimulator
  const client = () =>
    createPersonioClient({
      baseUrl: sim.url,
      credentials: { clientId: 'sim-client', clientSecret: 'sim-secret' },
      appId: 'PERSONIO_KAFKA_TEST',
    })

  beforeAll(async () => {
    // pinned: absences are created and filtered on fixed days around it (2026-01-20)
    sim = await startSimulator({
      now: '2026-01-15T09:00:00Z',
      employees: 230,
      absencesPerEmployee: 2,
      rateLimits: false,
      reports: 3,
    })
  })
  afterAll(() => sim.close())

  it('lists all employees with record offsets in pages of at most 100', async () => {
    const c = client()
    const pages = []
    for await (const page of c.employees.list()) pages.push(page)
    // where the next page starts: each one re-reads the last row of the page before (a shift shows)
    expect(pages.map((p) => p.position)).toEqual([99, 198, 230])
    const ids = pages.flatMap((p) => p.items.map((e) => e.attributes.id?.value))
    expect(ids).toEqual(sim.company.list('employees').map((e) => e.id))
  })

  it('filters employees by updated_since', async () => {
    const c = client()
    const target = sim.company.list('employees')[5]
    if (target === undefined) throw new Error('no employee')
    // more than the two hours by which the bound is sent early (a zone Personio does not name)
    sim.company.clock.advance(3 * 3_600_000)
    const since = sim.company.clock.now()
    sim.company.clock.advance(1000)
    sim.company.update('employees', target.id, { position: 'Head of Everything' })
    const changed = await collect(c.employees.list({ updatedSince: since }))
    expect(changed.map((e) => e.attributes.id?.value)).toEqual([target.id])
    expect(changed[0]?.attributes.position?.value).toBe('Head of Everything')
  })

  it('with attributes[] and updated_since selects employees where a listed attribute changed', async () => {
    const c = client()
    const [moved, renamed] = sim.company.list('employees').slice(10, 12)
    if (moved === undefined || renamed === undefined) throw new Error('no employees')
    // more than the two hours by which the bound is sent early (a zone Personio does not name)
    sim.company.clock.advance(3 * 3_600_000)
    const since = sim.company.clock.now()
    sim.company.clock.advance(1000)
    sim.company.update('employees', moved.id, { officeId: null })
    sim.company.update('employees', renamed.id, { firstName: 'Renate' })
    const byOffice = await collect(c.employees.list({ updatedSince: since, attributes: ['office'] }))
    expect(byOffice.map((e) => e.attributes.id?.value)).toEqual([moved.id])
    expect(Object.keys(byOffice[0]?.attributes ?? {}).sort()).toEqual(['id', 'office'])
    const byName = await collect(
      c.employees.list({ updatedSince: since, attributes: ['first_name', 'last_name'] }),
    )
    expect(byName.map((e) => e.attributes.first_name?.value)).toEqual(['Renate'])
    const either = await collect(c.employees.list({ updatedSince: since }))
    expect(either.map((e) => e.attributes.id?.value)).toEqual([moved.id, renamed.id])
  })

  it('v2 persons and employments: ids equal to v1 ids, separate updated_at, filters, 404', async () => {
    const c = client()
    const persons = await collect(c.persons.list())
    expect(persons.map((p) => p.id)).toEqual(sim.company.list('employees').map((e) => String(e.id)))
    const pageSizes = sim.log
      .filter((l) => l.path === '/v2/persons')
      .map((l) => new URLSearchParams(l.query).get('limit'))
    expect(new Set(pageSizes)).toEqual(new Set(['50']))
    expect(pageSizes.length).toBe(Math.ceil(persons.length / 50))

    const [person, employee] = sim.company.list('employees').slice(20, 22)
    if (person === undefined || employee === undefined) throw new Error('no employees')
    // more than the two hours by which the bound is sent early (a zone Personio does not name)
    sim.company.clock.advance(3 * 3_600_000)
    const since = sim.company.clock.now()
    sim.company.clock.advance(1000)
    sim.company.update('employees', person.id, { lastName: 'Neumann' })
    sim.company.update('employees', employee.id, { position: 'Principal Engineer' })

    // A name change is a person change, a new position an employment change.
    const changed = await collect(c.persons.list({ updatedAtGte: since }))
    expect(changed.map((p) => [p.id, p.last_name])).toEqual([[String(person.id), 'Neumann']])
    const [job] = await collect(c.persons.employments(String(employee.id), { updatedAtGte: since }))
    expect(job).toMatchObject({
      person: { id: String(employee.id) },
      position: { title: 'Principal Engineer' },
    })
    expect(await collect(c.persons.employments(String(person.id), { updatedAtGte: since }))).toEqual([])

    const one = await c.persons.get(String(employee.id))
    expect(one.employments).toEqual([{ id: job?.id }])
    expect(one.status).toBe(employee.status === 'inactive' ? 'INACTIVE' : 'ACTIVE')
    await expect(collect(c.persons.employments('999999999'))).rejects.toMatchObject({ status: 404 })
  })

  it('v2 absence periods: daily and hourly in one listing, overlap and change filters, breakdowns', async () => {
    const c = client()
    const oneDay = Date.parse('2026-01-20') / 86_400_000
    sim.company.create('timeOffs', {
      employeeId: sim.company.list('employees')[0]?.id as number,
      startDay: oneDay,
      endDay: oneDay,
      daysCount: 1,
      halfDayStart: false,
      status: 'approved',
    })
    const periods = await collect(c.v2AbsencePeriods.list())
    expect(periods).toHaveLength(sim.company.count('timeOffs') + sim.company.count('absencePeriods'))
    // hourly periods keep their v1 UUID; daily ones get a stable UUID of their own
    const hourly = new Set(sim.company.list('absencePeriods').map((p) => p.id))
    expect(periods.filter((p) => hourly.has(p.id))).toHaveLength(hourly.size)
    expect(periods.every((p) => /^[0-9a-f-]{36}$/.test(p.id) && p.timezone_id === 'Europe/Berlin')).toBe(true)

    // breakdowns agree with v1's amounts: days_count for a daily absence, minutes for an hourly one
    const v1Daily = (await collect(c.timeOffs.list())).find((o) => o.attributes.half_day_start)
    const v1Hourly = (await collect(c.absencePeriods.list())).find((p) => p.attributes.end !== null)
    if (v1Daily === undefined || v1Hourly === undefined)
      throw new Error('no half-day or closed hourly absence')
    const dailyV2 = periods.find(
      (p) =>
        p.person.id === String(v1Daily.attributes.employee.attributes.id.value) &&
        p.starts_from.date_time === v1Daily.attributes.start_date.slice(0, 19),
    )
    expect(dailyV2?.starts_from.type).toBe('SECOND_HALF')
    const days = await collect(c.v2AbsencePeriods.breakdowns(dailyV2?.id as string, 3))
    expect(days.reduce((sum, d) => sum + d.effective_duration.value, 0)).toBe(v1Daily.attributes.days_count)
    const hours = await collect(c.v2AbsencePeriods.breakdowns(v1Hourly.attributes.id))
    expect(Math.round(hours.reduce((sum, d) => sum + d.effective_duration.value, 0) * 60)).toBe(
      v1Hourly.attributes.effective_duration,
    )

    const person = String(sim.company.list('employees')[3]?.id)
    const theirs = await collect(c.v2AbsencePeriods.list({ personIds: [person] }))
    expect(theirs.length).toBeGreaterThan(0)
    expect(theirs.every((p) => p.person.id === person)).toBe(true)
    const since = Math.max(...sim.company.list('timeOffs').map((o) => o.updatedAt)) - 5 * 86_400_000
    const recent = await collect(c.v2AbsencePeriods.list({ updatedAtGte: since }))
    expect(recent.map((p) => p.id).sort()).toEqual(
      periods
        .filter((p) => Date.parse(p.updated_at) >= since)
        .map((p) => p.id)
        .sort(),
    )
    // overlap with 2026-01-20 up to noon UTC: everything not ended before that Berlin day began
    // (a one-day absence on the 20th has ends_at 2026-01-20T00:00:00) and started by then
    const day = Date.parse('2026-01-20T12:00:00Z')
    const overlapping = await collect(c.v2AbsencePeriods.list({ from: day, to: day }))
    const expected = periods.filter(
      (p) =>
        p.starts_from.date_time <= '2026-01-20T13:00:00' &&
        (p.ends_at === null || p.ends_at.date_time >= '2026-01-20T00:00:00'),
    )
    expect(expected.length).toBeGreaterThan(0)
    expect(overlapping.map((p) => p.id).sort()).toEqual(expected.map((p) => p.id).sort())
    const endingThatDay = expected.filter((p) => p.ends_at?.date_time === '2026-01-20T00:00:00')
    expect(endingThatDay.length).toBeGreaterThan(0)
    expect(overlapping.map((p) => p.id)).toEqual(expect.arrayContaining(endingThatDay.map((p) => p.id)))

    const types = await collect(c.absenceTypes.list())
    expect(types.map((t) => t.name)).toEqual(
      (await collect(c.timeOffTypes.list())).map((t) => t.attributes.name),
    )
    expect(new Set(periods.map((p) => p.absence_type.id)).size).toBeGreaterThan(1)
    expect(periods.every((p) => types.some((t) => t.id === p.absence_type.id))).toBe(true)
  })

  it('has no method for the endpoints Personio removed (v1 attendances and attendance projects)', () => {
    expect(Object.keys(client())).not.toContain('v1Attendances')
  })

  it('pages time-offs by page number starting at 1 (never reading page 1 twice), filters whole days', async () => {
    const c = client()
    const logged = sim.log.length
    const all = await collect(c.timeOffs.list({ limit: 150 }))
    const ids = all.map((o) => o.attributes.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toEqual(sim.company.list('timeOffs').map((o) => o.id))
    const pagesRequested = sim.log
      .slice(logged)
      .filter((l) => l.path === '/v1/company/time-offs')
      .map((l) => new URLSearchParams(l.query).get('offset'))
    expect(pagesRequested).toEqual(['1', '2', '3', '4'])

    const touched = sim.company.list('timeOffs')[3]?.id as number
    sim.company.update('timeOffs', touched, { comment: 'changed today' })
    const day = berlinDay(sim.company.clock.now())
    const recent = await collect(c.timeOffs.list({ updatedFrom: day, updatedTo: day }))
    expect(recent.map((o) => o.attributes.id)).toContain(touched)
    expect(recent.map((o) => o.attributes.id).sort()).toEqual(
      sim.company
        .list('timeOffs')
        .filter((o) => berlinDay(o.updatedAt) === day)
        .map((o) => o.id)
        .sort(),
    )
    const two = sim.company
      .list('employees')
      .slice(0, 2)
      .map((e) => e.id)
    const theirs = await collect(c.timeOffs.list({ employees: two }))
    expect(new Set(theirs.map((o) => o.attributes.employee.attributes.id.value))).toEqual(new Set(two))
  })

  it('reads every other v1 endpoint', async () => {
    const c = client()
    expect((await collect(c.absencePeriods.list())).length).toBe(sim.company.count('absencePeriods'))
    expect((await collect(c.timeOffTypes.list())).map((t) => t.attributes.id)).toEqual(
      sim.company.list('timeOffTypes').map((t) => t.id),
    )
    expect((await c.documentCategories.list()).map((d) => d.id)).toEqual(
      sim.company.list('documentCategories').map((d) => d.id),
    )
    const first = sim.company.list('employees')[0]?.id as number
    expect((await c.employees.get(first)).attributes.id?.value).toBe(first)
    expect((await c.employees.absenceBalance(first)).length).toBeGreaterThan(0)
    expect((await c.employees.attributes()).some((a) => a.key.startsWith('dynamic_'))).toBe(true)
    const reports = await c.customReports.list()
    expect(reports.map((r) => r.attributes.id).sort()).toEqual(
      sim.company
        .list('reports')
        .map((r) => r.id)
        .sort(),
    )
    const rows = await collect(c.customReports.items(reports[0]?.attributes.id as string, 100))
    expect(rows.flatMap((p) => p.attributes.items).length).toBe(sim.company.count('employees'))
    expect(
      (await c.customReports.columns(reports[0]?.attributes.id as string)).attributes.length,
    ).toBeGreaterThan(0)
    await expect(c.employees.absenceBalance(999_999)).rejects.toThrow(/404/)
    await expect(c.timeOffs.get(1)).rejects.toThrow(/The absence period was not found/)
  })

  it('follows v2 cursors for attendance periods (absolute and relative links) and projects', async () => {
    const c = client()
    const periods = await collect(c.attendancePeriods.list({ limit: 100 }))
    expect(periods.length).toBe(sim.company.count('attendances'))
    const since = sim.company.list('attendances')[0]?.updatedAt as number
    const filtered = await collect(c.attendancePeriods.list({ updatedAtGte: since }))
    expect(filtered.map((a) => a.id).sort()).toEqual(
      sim.company
        .list('attendances')
        .filter((a) => a.updatedAt >= since)
        .map((a) => a.id)
        .sort(),
    )
    expect((await collect(c.projects.list(2))).length).toBe(sim.company.count('projects'))

    const relative = await startSimulator({ employees: 40, rateLimits: false, absoluteNextLinks: false })
    try {
      const rc = createPersonioClient({
        baseUrl: relative.url,
        credentials: { clientId: 'sim-client', clientSecret: 'sim-secret' },
      })
      expect((await collect(rc.attendancePeriods.list({ limit: 7 }))).length).toBe(
        relative.company.count('attendances'),
      )
    } finally {
      await relative.close()
    }
  })
})
