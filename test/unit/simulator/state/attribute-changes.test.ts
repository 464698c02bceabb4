import { STANDARD_ATTRIBUTES } from '../../../../src/simulator/render/v1-employee'
import {
  attributeChangedAt,
  attributeKeyOf,
  EMPLOYMENT_ATTRIBUTES,
  employmentUpdatedAt,
  PERSON_ATTRIBUTES,
  personUpdatedAt,
} from '../../../../src/simulator/state/attribute-changes'
import { simCompany } from '../../../support/sim-items'

describe('simulator > attribute changes', () => {
  const standard = new Set(STANDARD_ATTRIBUTES.map(([key]) => key))

  it('maps every employee state field to a v1 attribute Personio lists', () => {
    const [employee] = simCompany(3, 2).list('employees')
    const fields = Object.keys(employee ?? {}).filter(
      (f) => !['createdAt', 'lastModifiedAt', 'custom', 'attributeChanges'].includes(f),
    )
    expect(fields.length).toBeGreaterThan(25)
    for (const field of fields) expect(standard).toContain(attributeKeyOf(field))
    for (const key of [...PERSON_ATTRIBUTES, ...EMPLOYMENT_ATTRIBUTES]) expect(standard).toContain(key)
  })

  it('stamps only the attributes an edit changed; the others keep the time before it', () => {
    const company = simCompany(5, 3)
    const before = company.list('employees')[1]
    if (before === undefined) throw new Error('no employee')
    company.clock.advance(60_000)
    const custom = company.customAttributes[0]?.key as string
    const after = company.update('employees', before.id, {
      teamId: null,
      custom: { ...before.custom, [custom]: 'changed' },
    })
    expect(attributeChangedAt(after, 'team')).toBe(after.lastModifiedAt)
    expect(attributeChangedAt(after, custom)).toBe(after.lastModifiedAt)
    expect(attributeChangedAt(after, 'first_name')).toBe(before.lastModifiedAt)
    expect(after.lastModifiedAt).toBeGreaterThan(before.lastModifiedAt)
    // a custom attribute belongs to the person; the team to the employment
    expect(personUpdatedAt(after)).toBe(after.lastModifiedAt)
    expect(employmentUpdatedAt(after)).toBe(after.lastModifiedAt)
    company.clock.advance(60_000)
    const again = company.update('employees', before.id, { position: 'CTO' })
    expect(personUpdatedAt(again)).toBe(after.lastModifiedAt)
    expect(employmentUpdatedAt(again)).toBe(again.lastModifiedAt)
    expect(attributeChangedAt(again, 'team')).toBe(after.lastModifiedAt)
  })
})
