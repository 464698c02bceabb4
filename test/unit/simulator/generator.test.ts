import { renderEmployee } from '../../../src/simulator/render/v1-employee'
import {
  berlinMidnight,
  berlinNoColon,
  berlinWithColon,
  utcMillis,
  berlinNaive,
} from '../../../src/simulator/time-format'
import { simCompany, simItems } from '../../support/sim-items'

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
})

describe('simulator > time formats', () => {
  it('spells instants the way each endpoint does, with the Berlin offset of the date', () => {
    const winter = Date.parse('2020-11-18T16:33:55Z')
    const summer = Date.parse('2024-07-01T10:00:00.510Z')
    expect(berlinWithColon(winter)).toBe('2020-11-18T17:33:55+01:00')
    expect(berlinWithColon(summer)).toBe('2024-07-01T12:00:00+02:00')
    expect(berlinNoColon(summer)).toBe('2024-07-01T12:00:00+0200')
    expect(utcMillis(summer)).toBe('2024-07-01T10:00:00.510Z')
    expect(berlinNaive(summer)).toBe('2024-07-01T12:00:00')
    expect(berlinMidnight(Date.parse('2014-11-09T00:00:00Z') / 86_400_000)).toBe('2014-11-09T00:00:00+01:00')
    // DST switch: 2024-03-31 01:00 UTC
    expect(berlinWithColon(Date.parse('2024-03-31T00:59:59Z'))).toBe('2024-03-31T01:59:59+01:00')
    expect(berlinWithColon(Date.parse('2024-03-31T01:00:00Z'))).toBe('2024-03-31T03:00:00+02:00')
  })
})
