import { defaultCeiling, documentedLimits, familyOf, isV1 } from '../../../src/personio/rate-families'

describe('personio > rate-families', () => {
  it.each([
    ['/v1/auth', 'v1-auth'],
    ['/v2/auth/token', 'v2-auth'],
    ['/v1/company/employees', 'employees'],
    ['/v1/company/employees/4711', 'employees'],
    ['/v1/company/employees/attributes', 'employees'],
    ['/v1/company/employees/4711/absences/balance', 'balances'],
    ['/v1/company/time-offs', 'v1'],
    ['/v2/persons', 'v2-persons'],
    ['/v2/persons/abc/employments', 'v2-persons'],
    ['/v2/absence-periods/x/breakdowns', 'v2-periods'],
    ['/v2/attendance-periods', 'v2-periods'],
    ['/v2/projects', 'v2'],
  ])('%s draws from %s', (path, family) => {
    expect(familyOf(path)).toBe(family)
  })

  it('counts every v1 family, auth included, in the v1-wide budget, and no v2 one', () => {
    expect(['employees', 'balances', 'v1', 'v1-auth'].every((f) => isV1(f as never))).toBe(true)
    expect(['v2', 'v2-persons', 'v2-periods', 'v2-auth', 'v1-global'].some((f) => isV1(f as never))).toBe(
      false,
    )
  })

  it('lets a v1 family climb to all of v1 together (2,000/min) and a v2 one to 50/s by default', () => {
    expect(defaultCeiling('balances', documentedLimits['v1-global'])).toBeCloseTo(33.33, 2)
    expect(defaultCeiling('v2-persons', documentedLimits['v1-global'])).toBe(50)
  })
})
