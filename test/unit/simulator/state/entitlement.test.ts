// The simulator's vacation entitlement moves with every employee field an HR system derives it
// from, so a balance stage blind to one of them (a field missing from `parentFields`) shows up as
// a stale topic in the oracle tests.
import { vacationEntitlement, type EntitlementFacts } from '../../../../src/simulator/state/entitlement'

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000
const today = day('2026-06-15')
const fullTime: EntitlementFacts = {
  status: 'active',
  weeklyWorkingHours: '40',
  hireDate: day('2020-03-01'),
  terminationDate: null,
  contractEndDate: null,
  lastWorkingDay: null,
}

describe('simulator > vacation entitlement', () => {
  it('is 30 days for a whole year full time', () => {
    expect(vacationEntitlement(fullTime, today)).toBe(30)
  })

  it.each<[string, Partial<EntitlementFacts>, number]>([
    ['half the weekly hours', { weeklyWorkingHours: '20' }, 15],
    ['hired mid-year', { hireDate: day('2026-07-02') }, 15],
    ['terminated mid-year', { terminationDate: day('2026-07-01') }, 15],
    ['a contract ending mid-year', { contractEndDate: day('2026-07-01') }, 15],
    ['a last working day mid-year', { lastWorkingDay: day('2026-07-01') }, 15],
    ['inactive', { status: 'inactive' }, 0],
  ])('moves with %s', (_, change, expected) => {
    expect(vacationEntitlement({ ...fullTime, ...change }, today)).toBe(expected)
  })
})
