// A poll cycle as a unit of its resource's lane, against an in-memory Personio and sink
// (test/support/poll-world.ts): a full listing and an inbox batch of the same resource run one
// after the other, whichever came first, so neither publishes over the other. The interleavings
// are made certain with pause points, as test/integration/capture/listing-inbox.test.ts does
// against a broker; here each takes milliseconds.
import { lastValueFrom } from 'rxjs'
import { cycleInLane } from '../../../../../src/capture/sources/poll/cycle'
import { prepareResource } from '../../../../../src/capture/read/prepare'
import { applyInboxWork, inboxWorkOf } from '../../../../../src/capture/sources/webhook/inbox-apply'
import type { IncomingRecord } from '../../../../../src/kafka/port'
import { setPauseHook, type PausePoint } from '../../../../../src/ops/crash-points'
import { resources } from '../../../../../src/resources'
import {
  idOf,
  keyOf,
  pollWorld,
  renamed,
  type EmployeeRow,
  type PollWorld,
} from '../../../../support/poll-world'

const employees = resources.employees
/** long enough for a batch that runs beside a listing to be applied (it reads in microseconds) */
const BESIDE_MS = 50

let offset = 0
const delivery = (event_name: string, id: number): IncomingRecord => ({
  topic: 'p._webhooks',
  partition: 0,
  offset: String(offset++),
  key: Buffer.from(`person:${id}`),
  value: Buffer.from(
    JSON.stringify({
      company_id: '1',
      event_name,
      occurred_at: '2026-12-05T12:00:00Z',
      payload: { id: String(id) },
    }),
  ),
  headers: {},
  timestamp: 0,
})

/** A first snapshot published, then the clock past the reconciliation interval: the next cycle lists in full. */
async function listed(): Promise<PollWorld> {
  const world = pollWorld(20)
  await lastValueFrom(cycleInLane(world.ctx, employees))
  world.clock.advance(world.ctx.settings.employees.reconcileMs)
  return world
}

/** The last value published for a key: its last name, or null for a tombstone. */
function lastNameOf(world: PollWorld, row: EmployeeRow): string | null | undefined {
  const last = world
    .published('p.employees')
    .filter((r) => JSON.stringify(r.key) === keyOf(row))
    .pop()
  return last === undefined
    ? undefined
    : last.value === null
      ? null
      : (last.value as { last_name: string }).last_name
}

afterEach(() => setPauseHook(undefined))

describe('capture > a poll cycle in its lane', () => {
  it('holds an inbox batch that arrives while the listing holds its page until the listing has ended', async () => {
    const world = await listed()
    const prepared = await prepareResource(world.ctx, employees)
    const person = world.employees[0]!
    const hire: EmployeeRow = {
      ...person,
      attributes: { ...person.attributes, id: { ...person.attributes.id!, value: 9_999 } },
    }
    let batch: Promise<unknown> | undefined
    setPauseHook(async () => {
      if (batch !== undefined) return
      // the listing read its first page; now a person is renamed, another hired, and the batch
      // announcing both arrives
      world.employees[0] = renamed(person, 'Renamed meanwhile')
      world.employees.push(hire)
      const work = inboxWorkOf(employees, [
        delivery('person.updated', idOf(person)),
        delivery('person.created', idOf(hire)),
      ])
      batch = applyInboxWork(world.ctx, employees, prepared, work)
      await Promise.race([batch, new Promise((r) => setTimeout(r, BESIDE_MS))])
    })
    const report = await lastValueFrom(cycleInLane(world.ctx, employees))
    await batch
    expect(report.plan).toBe('reconcile')
    // a batch beside the listing: the listing's older read is published over the batch's newer one
    expect({ renamed: lastNameOf(world, person), hired: lastNameOf(world, hire) }).toEqual({
      renamed: 'Renamed meanwhile',
      hired: hire.attributes.last_name!.value,
    })
  })

  it('starts a listing once an inbox batch in flight has been applied', async () => {
    const world = await listed()
    const prepared = await prepareResource(world.ctx, employees)
    const person = world.employees[0]!
    // the batch is in flight: in the lane, queued behind a transaction of the resource still open
    let open: () => void = () => undefined
    const gate = new Promise<void>((r) => (open = r))
    const earlier = world.ctx.serial(employees.name, () => gate)
    const batch = applyInboxWork(
      world.ctx,
      employees,
      prepared,
      inboxWorkOf(employees, [delivery('person.updated', idOf(person))]),
    )
    let paused: PausePoint | undefined
    setPauseHook(async (point) => {
      if (paused !== undefined) return
      paused = point
      // the listing began: renamed now, the batch reads after this, so it reads the new name
      world.employees[0] = renamed(person, 'Renamed meanwhile')
      open()
      // a listing that read its page already (no lane) goes on once the batch is applied
      if (point === 'listing-page-read') await batch
    })
    await lastValueFrom(cycleInLane(world.ctx, employees))
    await Promise.all([batch, earlier])
    expect(paused).toBe('listing-waits-for-inbox')
    expect(lastNameOf(world, person)).toBe('Renamed meanwhile')
  })
})
