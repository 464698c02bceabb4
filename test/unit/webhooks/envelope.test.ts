// Personio's webhook envelope (personio-api.md §7.8), as its documentation shows it: what the
// receiver accepts, and why it refuses the rest (the 400 names it).
import { announcesDelete, entityIdProblem, parseEnvelope } from '../../../src/webhooks/envelope'

const documented = {
  company_id: '123',
  event_name: 'person.updated',
  occurred_at: '2024-05-02T12:31:17Z',
  payload: { id: '4711' },
}

describe('webhooks > envelope', () => {
  it('reads the documented envelope: event, entity, time; an employment names its person', () => {
    expect(parseEnvelope(documented)).toEqual({
      event: {
        name: 'person.updated',
        id: '4711',
        occurredAt: Date.parse('2024-05-02T12:31:17Z'),
        companyId: '123',
      },
    })
    const employment = parseEnvelope({
      ...documented,
      event_name: 'employment.terminated',
      payload: { id: 'e-1', person_id: 4711 },
    })
    expect(employment).toMatchObject({ event: { id: 'e-1', personId: '4711' } })
    expect(parseEnvelope({ ...documented, event_name: 'absence-period.updated.timerange' })).toHaveProperty(
      'event',
    )
  })

  it.each([
    ['not an object', [documented], /not a JSON object/],
    ['an unknown event', { ...documented, event_name: 'salary.paid' }, /not a Personio webhook event/],
    ['no company', { ...documented, company_id: undefined }, /company_id/],
    ['no time', { ...documented, occurred_at: 'yesterday' }, /occurred_at/],
    ['no entity', { ...documented, payload: {} }, /payload.id/],
    ['a payload that is no object', { ...documented, payload: 'x' }, /payload/],
  ])('refuses %s', (_, body, why) => {
    const parsed = parseEnvelope(body)
    expect('problem' in parsed ? parsed.problem : '').toMatch(why)
  })

  it('tells a delete announcement', () => {
    expect(announcesDelete('person.deleted')).toBe(true)
    expect(announcesDelete('absence-period.updated.status')).toBe(false)
  })

  it('accepts only Personio-shaped ids (a number, a UUID): anything else would steer a read', () => {
    const event = (id: string, personId?: string) => ({
      name: 'person.updated',
      id,
      occurredAt: 0,
      companyId: '1',
      ...(personId === undefined ? {} : { personId }),
    })
    expect(entityIdProblem(event('4711'))).toBeUndefined()
    expect(entityIdProblem(event('0b8d6c3e-1f2a-4b5c-8d9e-0123456789ab', '4711'))).toBeUndefined()
    expect(entityIdProblem(event('..'))).toMatch(/neither a number nor a UUID/)
    expect(entityIdProblem(event('4711?x=1'))).toMatch(/neither/)
    expect(entityIdProblem(event('4711', '../7'))).toMatch(/person_id/)
  })
})
