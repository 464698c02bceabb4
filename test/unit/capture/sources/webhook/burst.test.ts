// A burst of webhook events (a bulk edit) is read with a listing, not a request per record, and
// the topic then holds what Personio holds; what an incremental listing leaves out proves nothing
// (read by id: an announced delete still needs its 404), and only a full listing's absence proves
// an announced delete. Personio here is the simulator's company, answered in-process by path.
import { applyInboxWork, inboxWorkOf } from '../../../../../src/capture/sources/webhook/inbox-apply'
import { listingPages, listsBurst } from '../../../../../src/capture/sources/webhook/burst'
import { PersonioHttpError } from '../../../../../src/errors'
import type { IncomingRecord } from '../../../../../src/kafka/port'
import { resources } from '../../../../../src/resources'
import { renderTimeOff } from '../../../../../src/simulator/render/v1-absences'
import { renderEmployee } from '../../../../../src/simulator/render/v1-employee'
import { timeOffUuid } from '../../../../../src/simulator/render/v2-absences'
import type { Company } from '../../../../../src/simulator/state/company'
import { simCompany } from '../../../../support/sim-items'
import { jsonPrepared, webhookWorld } from '../../../../support/webhook-context'

const employees = resources.employees
const notFound = () =>
  new PersonioHttpError('Personio GET failed: 404', { status: 404, method: 'GET', endpoint: '/x' })

let offset = 0
const delivery = (event_name: string, id: number | string, at: number): IncomingRecord => ({
  topic: 'p._webhooks',
  partition: 0,
  offset: String(offset++),
  key: Buffer.from('k'),
  value: Buffer.from(
    JSON.stringify({
      company_id: '1',
      event_name,
      occurred_at: new Date(at).toISOString(),
      payload: { id: String(id) },
    }),
  ),
  headers: {},
  timestamp: 0,
})

/** v1 employees as Personio answers them: by id, and listed by record offset with `updated_since`. */
function personio(company: Company) {
  return (target: string): unknown => {
    const url = new URL(target, 'http://personio.test')
    const one = /^\/v1\/company\/employees\/(\d+)$/.exec(url.pathname)
    if (one !== null) {
      const e = company.get('employees', Number(one[1]))
      if (e === undefined) throw notFound()
      return { success: true, data: renderEmployee(e, company, undefined) }
    }
    if (url.pathname !== '/v1/company/employees') throw notFound()
    const since = url.searchParams.get('updated_since')
    const rows = company
      .list('employees')
      .filter((e) => since === null || e.lastModifiedAt >= Date.parse(`${since}Z`))
    const from = Number(url.searchParams.get('offset') ?? 0)
    const limit = Number(url.searchParams.get('limit') ?? 100)
    return {
      success: true,
      data: rows.slice(from, from + limit).map((e) => renderEmployee(e, company, undefined)),
      metadata: { total_elements: rows.length },
    }
  }
}

/** The topic folded by key, last record wins: what a compacted topic holds. */
const folded = (world: ReturnType<typeof webhookWorld>) =>
  new Map(world.published('p.employees').map((r) => [JSON.stringify(r.key), r.value]))

/** A company of 40 employees, all published (read by id), then a day later. */
async function published() {
  const company = simCompany(40)
  const world = webhookWorld(personio(company))
  const at = company.clock.now()
  const all = company.list('employees').map((e) => delivery('person.created', e.id, at))
  // margin 0: read by id, one by one, as before this rule
  await applyInboxWork(
    world.ctx,
    employees,
    jsonPrepared(employees),
    inboxWorkOf(employees, all),
    undefined,
    0,
  )
  expect(folded(world).size).toBe(40)
  company.clock.advance(86_400_000)
  world.requests.splice(0)
  return { company, world }
}

const lastNameChange = (company: Company, id: number) => {
  company.update('employees', id, { lastName: `Changed-${id}` })
  return company.clock.now()
}

describe('capture > webhook bursts', () => {
  it('lists when a batch names more records than twice the pages a listing takes', () => {
    expect(listingPages(employees, 500)).toBe(6)
    // 500 known: a listing of 500 + 14 or 15 is 7 pages; 15 reads by id are more than twice that
    expect(listsBurst(employees, 14, 500, 2)).toBe(false)
    expect(listsBurst(employees, 15, 500, 2)).toBe(true)
    expect(listsBurst(employees, 3000, 500, 0)).toBe(false)
  })

  it("reads a burst with one listing, and the topic then holds the simulator's employees", async () => {
    const { company, world } = await published()
    const changed = company.list('employees').slice(0, 30)
    // three deliveries per person, as a bulk edit sends them
    const burst = changed.flatMap((e) => {
      const at = lastNameChange(company, e.id)
      return [0, 1, 2].map(() => delivery('person.updated', e.id, at))
    })
    const done = await applyInboxWork(
      world.ctx,
      employees,
      jsonPrepared(employees),
      inboxWorkOf(employees, burst),
    )
    expect(done.entities).toBe(30)
    // one incremental listing of the 30 (one page, and the empty one after), no read by id
    expect(world.requests.every((r) => r.startsWith('/v1/company/employees?'))).toBe(true)
    expect(world.requests.length).toBeLessThanOrEqual(2)
    expect(world.requests[0]).toContain('updated_since=')
    const topic = folded(world)
    for (const e of company.list('employees'))
      expect(topic.get(`[${e.id}]`)).toMatchObject(employees.toRecord(renderEmployee(e, company, undefined)))
    // only what changed was published by the burst, once each
    expect(world.transactions.at(-1)?.records.filter((r) => r.topic === 'p.employees')).toHaveLength(30)
  })

  it('keeps an announced delete in a burst a delete (its 404), and what the listing left out alive', async () => {
    const { company, world } = await published()
    const [gone, untouched, unannounced, ...rest] = company.list('employees')
    const burst = rest
      .slice(0, 20)
      .map((e) => delivery('person.updated', e.id, lastNameChange(company, e.id)))
    const now = company.clock.now()
    company.remove('employees', gone!.id)
    company.remove('employees', unannounced!.id)
    burst.push(
      delivery('person.deleted', gone!.id, now),
      // named, but unchanged: the incremental listing does not return it
      delivery('person.updated', untouched!.id, now),
      // gone without an announcement: its 404 proves nothing
      delivery('person.updated', unannounced!.id, now),
    )
    await applyInboxWork(world.ctx, employees, jsonPrepared(employees), inboxWorkOf(employees, burst))
    const topic = folded(world)
    expect(topic.get(`[${gone!.id}]`)).toBeNull()
    expect(topic.get(`[${untouched!.id}]`)).not.toBeNull()
    expect(topic.get(`[${unannounced!.id}]`)).not.toBeNull()
    expect(world.published('p.employees').filter((r) => r.value === null)).toHaveLength(1)
    // the three the listing did not return were read by id
    expect(world.requests.filter((r) => !r.includes('?')).sort()).toEqual(
      [gone, untouched, unannounced].map((e) => `/v1/company/employees/${e!.id}`).sort(),
    )
  })

  it('proves a bulk delete by its absence from one full listing, not a read per record', async () => {
    const { company, world } = await published()
    const now = company.clock.now()
    const doomed = company.list('employees').slice(0, 25)
    for (const e of doomed) company.remove('employees', e.id)
    const burst = doomed.map((e) => delivery('person.deleted', e.id, now))
    await applyInboxWork(world.ctx, employees, jsonPrepared(employees), inboxWorkOf(employees, burst))
    expect(world.requests.every((r) => r.startsWith('/v1/company/employees?'))).toBe(true)
    const topic = folded(world)
    expect(doomed.map((e) => topic.get(`[${e.id}]`))).toEqual(doomed.map(() => null))
    expect([...topic.values()].filter((v) => v !== null)).toHaveLength(15)
  })
})

/** v1 time-offs as Personio lists them: page numbers, `updated_from` a whole day (UTC here). */
function timeOffs(company: Company) {
  return (target: string): unknown => {
    const url = new URL(target, 'http://personio.test')
    if (url.pathname !== '/v1/company/time-offs') throw notFound()
    const from = url.searchParams.get('updated_from')
    const rows = company
      .list('timeOffs')
      .filter((o) => from === null || o.updatedAt >= Date.parse(`${from}T00:00:00Z`))
    const limit = Number(url.searchParams.get('limit'))
    const page = Math.max(1, Number(url.searchParams.get('offset')))
    return {
      success: true,
      data: rows.slice((page - 1) * limit, page * limit).map((o) => renderTimeOff(o, company)),
      metadata: {
        total_elements: rows.length,
        total_pages: Math.ceil(rows.length / limit),
        current_page: page,
      },
    }
  }
}

describe('capture > webhook bursts > absences (page numbers, v2 ids in the events)', () => {
  it('reads a burst of absences with listings, never a v2 lookup, and publishes only what changed', async () => {
    const absences = resources.absences
    const company = simCompany(40)
    company.clock.advance(86_400_000)
    const world = webhookWorld(timeOffs(company))
    const all = company.list('timeOffs')
    const at = company.clock.now()
    // 80 absences announced by their v2 ids, none published yet, none changed today: the
    // incremental listing finds none of them, so one full listing reads them all
    const created = all.map((o) => delivery('absence-period.created', timeOffUuid(o.id), at))
    await applyInboxWork(world.ctx, absences, jsonPrepared(absences), inboxWorkOf(absences, created))
    expect(world.requests.every((r) => r.startsWith('/v1/company/time-offs?'))).toBe(true)
    expect(world.requests.filter((r) => r.includes('updated_from='))).toHaveLength(1)
    expect(world.requests.filter((r) => !r.includes('updated_from='))).toHaveLength(1)
    world.requests.splice(0)
    // then 30 of them approved: one incremental page, 30 updates
    const changed = all.slice(0, 30).map((o) => {
      company.update('timeOffs', o.id, { status: o.status === 'approved' ? 'pending' : 'approved' })
      return delivery('absence-period.updated.status', timeOffUuid(o.id), company.clock.now())
    })
    await applyInboxWork(world.ctx, absences, jsonPrepared(absences), inboxWorkOf(absences, changed))
    expect(world.requests).toHaveLength(1)
    expect(world.requests[0]).toContain('updated_from=')
    expect(world.transactions.at(-1)?.records.filter((r) => r.topic === 'p.absences')).toHaveLength(30)
    const topic = new Map(world.published('p.absences').map((r) => [JSON.stringify(r.key), r.value]))
    expect(topic.size).toBe(80)
    for (const o of company.list('timeOffs'))
      expect(topic.get(`[${o.id}]`)).toMatchObject(absences.toRecord(renderTimeOff(o, company)))
  })

  it('reads by id what a listing by page numbers left out: it cannot tell a moved record from a missing one', async () => {
    const absences = resources.absences
    const company = simCompany(40)
    company.clock.advance(86_400_000)
    const all = company.list('timeOffs')
    const moved = all[0]!
    // the full listing's pages shifted under the reader (a time-off deleted on page 1): one row
    // was never on any page it read, and a listing by page number cannot notice
    const listing = timeOffs(company)
    let fullListings = 0
    const world = webhookWorld((target) => {
      const url = new URL(target, 'http://personio.test')
      const period = /^\/v2\/absence-periods\/([^/?]+)$/.exec(url.pathname)
      if (period !== null) return { id: period[1], person: { id: String(moved.employeeId) } }
      const answer = listing(target) as { data: { attributes: { id: number } }[] }
      if (url.pathname !== '/v1/company/time-offs' || url.searchParams.has('updated_from')) return answer
      if (url.searchParams.has('employees[]')) return answer
      fullListings += 1
      return { ...answer, data: answer.data.filter((o) => o.attributes.id !== moved.id) }
    })
    const created = all.map((o) => delivery('absence-period.created', timeOffUuid(o.id), company.clock.now()))
    await applyInboxWork(world.ctx, absences, jsonPrepared(absences), inboxWorkOf(absences, created))
    expect(fullListings).toBeGreaterThan(0)
    expect(world.requests).toContain(`/v2/absence-periods/${timeOffUuid(moved.id)}`)
    const topic = new Map(world.published('p.absences').map((r) => [JSON.stringify(r.key), r.value]))
    expect(topic.get(`[${moved.id}]`)).toMatchObject(absences.toRecord(renderTimeOff(moved, company)))
  })
})
