import { renderEmployee } from '../../../../src/simulator/render/v1-employee'
import { simCompany, simItems } from '../../../support/sim-items'

describe('simulator > generator', () => {
  it('gives the same company for the same seed, byte for byte, and another for another seed', () => {
    expect(JSON.stringify(simItems(simCompany(20, 9)))).toBe(JSON.stringify(simItems(simCompany(20, 9))))
    expect(JSON.stringify(simItems(simCompany(20, 10)))).not.toBe(JSON.stringify(simItems(simCompany(20, 9))))
  })

  it('makes varied, realistic employees: inactive ones with termination dates, supervisors that exist, umlauts', () => {
    const company = simCompany(300, 4)
    const employees = company.list('employees')
    const inactive = employees.filter((e) => e.status === 'inactive')
    expect(inactive.length).toBeGreaterThan(5)
    expect(inactive.every((e) => e.terminationDate !== null)).toBe(true)
    expect(
      employees
        .filter((e) => e.supervisorId !== null)
        .every((e) => company.get('employees', e.supervisorId as number) !== undefined),
    ).toBe(true)
    expect(employees.some((e) => /[äöüßÖÜé]/.test(`${e.firstName}${e.lastName}`))).toBe(true)
    expect(employees.some((e) => e.email === null)).toBe(true)
  })

  it('renders custom attributes with null and slug universal ids, and applies a whitelist', () => {
    const company = simCompany(3, 2)
    const e = company.list('employees')[0]
    if (e === undefined) throw new Error('no employee')
    const all = renderEmployee(e, company, undefined)
    const customs = Object.entries(all.attributes).filter(([k]) => k.startsWith('dynamic_'))
    expect(customs.some(([, a]) => a.universal_id === null)).toBe(true)
    expect(customs.some(([, a]) => typeof a.universal_id === 'string')).toBe(true)
    const limited = renderEmployee(e, company, new Set(['first_name']))
    expect(Object.keys(limited.attributes).sort()).toEqual(['first_name', 'id'])
  })

  it('stamps every mutation with a strictly increasing change timestamp; deletes leave no trace', () => {
    const company = simCompany(3, 2)
    const id = company.list('employees')[1]?.id as number
    const a = company.update('employees', id, { position: 'A' }).lastModifiedAt
    const b = company.update('employees', id, { position: 'B' }).lastModifiedAt
    expect(b).toBeGreaterThan(a)
    company.remove('employees', id)
    expect(company.get('employees', id)).toBeUndefined()
    expect(company.list('employees').map((e) => e.id)).not.toContain(id)
  })

  it('stamps nothing after its own clock: a fresh company has no change Personio has not seen yet', () => {
    const company = simCompany(300, 4)
    const now = company.clock.now()
    const stamps = (
      ['employees', 'timeOffs', 'absencePeriods', 'attendances', 'projects', 'reports'] as const
    )
      .flatMap((name) => company.list(name) as unknown as Record<string, unknown>[])
      .flatMap((item) =>
        ['createdAt', 'updatedAt', 'lastModifiedAt', 'approvedAt']
          .map((field) => item[field])
          .filter((v): v is number => typeof v === 'number'),
      )
    expect(stamps.length).toBeGreaterThan(1000)
    expect(stamps.filter((t) => t > now).map((t) => new Date(t).toISOString())).toEqual([])
  })
})
