// What a batch of inbox records asks of a resource: duplicates and bursts coalesce into one read
// per entity; an employment event names the employee through its person; only the entity's own
// `*.deleted` event announces a delete; an id of the wrong shape is never requested. And what a
// batch publishes, against an in-memory Personio and sink: a record two events resolve to once;
// a credential refused stops the batch with nothing committed, one entity refused does not; a
// batch is one unit of its resource's lane, so a full listing of the resource never runs beside it.
import {
  applyInboxWork,
  inboxWorkOf,
  refusesEntity,
} from '../../../../../src/capture/sources/webhook/inbox-apply'
import { PersonioHttpError, StoppingError } from '../../../../../src/errors'
import type { ConsumedOffsets, IncomingRecord } from '../../../../../src/kafka/port'
import { resources } from '../../../../../src/resources'
import { timeOffUuid } from '../../../../../src/simulator/render/v2-absences'
import { simCompany, simItems } from '../../../../support/sim-items'
import { jsonPrepared, webhookWorld } from '../../../../support/webhook-context'

let offset = 0
const delivery = (
  event_name: string,
  payload: Record<string, string>,
  at = '2026-12-05T10:00:00Z',
): IncomingRecord => ({
  topic: 'p._webhooks',
  partition: 0,
  offset: String(offset++),
  key: Buffer.from('k'),
  value: Buffer.from(JSON.stringify({ company_id: '1', event_name, occurred_at: at, payload })),
  headers: {},
  timestamp: 0,
})

describe('capture > webhook capture', () => {
  it('coalesces per entity, and reads employment events as their person', () => {
    const work = inboxWorkOf(resources.employees, [
      delivery('person.updated', { id: '7' }),
      delivery('person.updated', { id: '7' }),
      delivery('employment.updated', { id: 'emp-1', person_id: '7' }, '2026-12-05T10:00:05Z'),
      delivery('employment.deleted', { id: 'emp-2', person_id: '8' }),
      delivery('absence-period.created', { id: 'a-1' }),
    ])
    expect([...work.entities]).toEqual([
      ['7', { deleted: false }],
      ['8', { deleted: false }], // an employment gone is no person gone
    ])
    expect(work.newest).toBe(Date.parse('2026-12-05T10:00:05Z'))
  })

  it('keeps a delete announced by any delivery of the batch, whatever the order', () => {
    const a1 = timeOffUuid(1)
    const work = inboxWorkOf(resources.absences, [
      delivery('absence-period.deleted', { id: a1 }),
      delivery('absence-period.updated.status', { id: a1 }),
      delivery('person.updated', { id: '7' }),
    ])
    expect([...work.entities]).toEqual([[a1, { deleted: true }]])
  })

  it('refuses ids of another shape than the slot reads by: numbers for v1, UUIDs for v2', () => {
    const employees = inboxWorkOf(resources.employees, [
      delivery('person.updated', { id: '..' }),
      delivery('employment.updated', { id: timeOffUuid(2) }), // no person_id: a UUID is no person
      delivery('person.updated', { id: '7' }),
    ])
    expect([...employees.entities.keys()]).toEqual(['7'])
    expect(employees.refused).toEqual([
      { event: 'person.updated', id: '..' },
      { event: 'employment.updated', id: timeOffUuid(2) },
    ])
    const attendances = inboxWorkOf(resources.attendances, [
      delivery('attendance-period.updated', { id: '42' }),
      delivery('attendance-period.updated', { id: '../../v1/company/employees' }),
    ])
    expect(attendances.entities.size).toBe(0)
    expect(attendances.refused).toHaveLength(2)
  })

  it('skips what is not a Personio envelope', () => {
    const broken = { ...delivery('person.updated', { id: '7' }), value: Buffer.from('{oops') }
    expect(inboxWorkOf(resources.employees, [broken]).entities.size).toBe(0)
  })
})

const consumed: ConsumedOffsets = {
  groupId: 'g',
  offsets: [{ topic: 'p._webhooks', partition: 0, offset: '9' }],
}

const refused = (status: number, personioMessage?: string) =>
  new PersonioHttpError(`Personio GET failed: ${status}`, {
    status,
    method: 'GET',
    endpoint: '/x',
    personioMessage,
  })

describe('capture > webhook capture > a batch', () => {
  it("publishes a new person's two absences once each, though both events list them both", async () => {
    const company = simCompany()
    const items = simItems(company).absences as { attributes: { id: number; employee: unknown } }[]
    const mine = company.list('timeOffs').filter((o) => o.employeeId === company.list('employees')[0]!.id)
    expect(mine).toHaveLength(2)
    const rendered = items.filter((i) => mine.some((o) => o.id === i.attributes.id))
    const world = webhookWorld((target) => {
      const period = /^\/v2\/absence-periods\/([^/?]+)$/.exec(target)
      if (period !== null) return { id: period[1], person: { id: String(mine[0]!.employeeId) } }
      if (target.startsWith('/v1/company/time-offs?'))
        return { success: true, data: rendered, metadata: { total_pages: 1, current_page: 1 } }
      throw refused(404)
    })
    const work = inboxWorkOf(resources.absences, [
      delivery('absence-period.created', { id: timeOffUuid(mine[0]!.id) }),
      delivery('absence-period.created', { id: timeOffUuid(mine[1]!.id) }),
    ])
    await applyInboxWork(world.ctx, resources.absences, jsonPrepared(resources.absences), work, consumed)
    const keys = world.published('p.absences').map((r) => JSON.stringify(r.key))
    expect(keys.sort()).toEqual(mine.map((o) => `[${o.id}]`).sort())
    expect(world.transactions).toHaveLength(1)
  })

  it('stops the batch on a refused credential (403): nothing published, the inbox offset not committed', async () => {
    const world = webhookWorld(() => {
      throw refused(403)
    })
    const work = inboxWorkOf(resources.employees, [delivery('person.updated', { id: '7' })])
    await expect(
      applyInboxWork(world.ctx, resources.employees, jsonPrepared(resources.employees), work, consumed),
    ).rejects.toMatchObject({ status: 403 })
    expect(world.transactions).toEqual([])
  })

  it("stops the batch on a v2 400 that says the token may not read it: Personio's 403 in other words", async () => {
    const world = webhookWorld(() => {
      throw refused(400, 'Unauthorized token')
    })
    const id = '0b8d6c3e-1f2a-4b5c-8d9e-000000000001'
    const work = inboxWorkOf(resources.attendances, [delivery('attendance-period.updated', { id })])
    await expect(
      applyInboxWork(world.ctx, resources.attendances, jsonPrepared(resources.attendances), work, consumed),
    ).rejects.toMatchObject({ status: 400 })
    expect(world.transactions).toEqual([])
    // a 400 about the request itself is that one entity's
    expect(refusesEntity(refused(400, 'Provided request parameters are invalid.'))).toBe(true)
  })

  it('skips one entity Personio refuses (422) with a warning, and commits the inbox offset', async () => {
    const world = webhookWorld(() => {
      throw refused(422)
    })
    const work = inboxWorkOf(resources.employees, [delivery('person.updated', { id: '7' })])
    await applyInboxWork(world.ctx, resources.employees, jsonPrepared(resources.employees), work, consumed)
    expect(world.transactions).toHaveLength(1)
    expect(world.transactions[0]?.consumed).toEqual(consumed)
    expect(world.warnings.join('\n')).toMatch(/employees 7, named by a webhook, could not be read/)
  })

  it('never requests an id of the wrong shape: a warning, and the inbox moves past it', async () => {
    const world = webhookWorld(() => ({ success: true, data: {} }))
    const work = inboxWorkOf(resources.employees, [delivery('person.updated', { id: '..' })])
    await applyInboxWork(world.ctx, resources.employees, jsonPrepared(resources.employees), work, consumed)
    expect(world.requests).toEqual([])
    expect(world.transactions.map((t) => t.consumed)).toEqual([consumed])
    expect(world.warnings.join('\n')).toMatch(/"\.\.", which is not a numeric id; skipped without a request/)
  })
})

describe('capture > webhook capture > deletes need both the announcement and the 404', () => {
  // one person, published before by a first batch; Personio then answers as each case says
  const company = simCompany()
  const person = company.list('employees')[0]!
  const [rendered] = simItems(company).employees
  const byId = `/v1/company/employees/${person.id}`
  const world = (answerNow: () => unknown) => {
    let published = false
    const w = webhookWorld((target) => {
      if (target !== byId) throw refused(404)
      return published ? answerNow() : { success: true, data: rendered }
    })
    const seed = async () => {
      const work = inboxWorkOf(resources.employees, [delivery('person.created', { id: String(person.id) })])
      await applyInboxWork(w.ctx, resources.employees, jsonPrepared(resources.employees), work)
      expect(w.published('p.employees')).toHaveLength(1)
      published = true
      w.transactions.splice(0)
    }
    return { ...w, seed }
  }
  const batch = async (w: ReturnType<typeof world>, event: string) => {
    const work = inboxWorkOf(resources.employees, [delivery(event, { id: String(person.id) })])
    await applyInboxWork(w.ctx, resources.employees, jsonPrepared(resources.employees), work, consumed)
  }

  it('a 404 without an announcement publishes nothing (the read may be refused; the listing decides)', async () => {
    const w = world(() => {
      throw refused(404)
    })
    await w.seed()
    await batch(w, 'person.updated')
    expect(w.published('p.employees')).toEqual([])
    expect(w.transactions.map((t) => t.consumed)).toEqual([consumed]) // the inbox moves on
  })

  it('an announced delete whose read answers 200 publishes nothing (the record is still there)', async () => {
    const w = world(() => ({ success: true, data: rendered }))
    await w.seed()
    await batch(w, 'person.deleted')
    expect(w.published('p.employees')).toEqual([])
    expect(w.transactions.map((t) => t.consumed)).toEqual([consumed])
  })

  it('an announced delete that reads 404 is a tombstone', async () => {
    const w = world(() => {
      throw refused(404)
    })
    await w.seed()
    await batch(w, 'person.deleted')
    expect(w.published('p.employees')).toEqual([{ key: [person.id], value: null }])
  })
})

describe('capture > webhook capture > one unit of its resource lane', () => {
  const company = simCompany()
  const person = company.list('employees')[0]!
  const [rendered] = simItems(company).employees
  const work = () => inboxWorkOf(resources.employees, [delivery('person.updated', { id: String(person.id) })])
  const settle = () => new Promise((r) => setImmediate(r))

  it('waits for a full listing of its resource to end before it reads or publishes anything', async () => {
    const world = webhookWorld(() => ({ success: true, data: rendered }))
    let endListing: () => void = () => undefined
    const listing = world.ctx.lanes.run('employees', () => new Promise<void>((r) => (endListing = r)))
    const batch = applyInboxWork(
      world.ctx,
      resources.employees,
      jsonPrepared(resources.employees),
      work(),
      consumed,
    )
    // another resource's lane is its own: its units do not wait for this listing
    await world.ctx.lanes.run('absences', () => Promise.resolve())
    await settle()
    expect([world.requests, world.transactions]).toEqual([[], []])
    endListing()
    await Promise.all([listing, batch])
    expect(world.requests).toEqual([`/v1/company/employees/${person.id}`])
    expect(world.transactions.map((t) => t.consumed)).toEqual([consumed])
  })

  it('leaves a batch that waited for the lane through a stop: nothing read, nothing committed', async () => {
    const world = webhookWorld(() => ({ success: true, data: rendered }))
    const stop = new AbortController()
    world.ctx.stopping = stop.signal
    let endListing: () => void = () => undefined
    const listing = world.ctx.lanes.run('employees', () => new Promise<void>((r) => (endListing = r)))
    const batch = applyInboxWork(
      world.ctx,
      resources.employees,
      jsonPrepared(resources.employees),
      work(),
      consumed,
    )
    stop.abort()
    await settle()
    endListing()
    await listing
    await expect(batch).rejects.toBeInstanceOf(StoppingError)
    expect([world.requests, world.transactions]).toEqual([[], []])
  })
})
