// What a batch of inbox records asks of a resource: duplicates and bursts coalesce into one read
// per entity; an employment event names the employee through its person; only the entity's own
// `*.deleted` event announces a delete.
import { inboxWorkOf } from '../../../src/capture/webhook-capture'
import type { IncomingRecord } from '../../../src/kafka/port'
import { resources } from '../../../src/resources'

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
    const work = inboxWorkOf(resources.absences, [
      delivery('absence-period.deleted', { id: 'a-1' }),
      delivery('absence-period.updated.status', { id: 'a-1' }),
      delivery('person.updated', { id: '7' }),
    ])
    expect([...work.entities]).toEqual([['a-1', { deleted: true }]])
  })

  it('skips what is not a Personio envelope', () => {
    const broken = { ...delivery('person.updated', { id: '7' }), value: Buffer.from('{oops') }
    expect(inboxWorkOf(resources.employees, [broken]).entities.size).toBe(0)
  })
})
