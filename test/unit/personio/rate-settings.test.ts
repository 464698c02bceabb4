import { parseRateCeilings, parseRateLimits } from '../../../src/personio/rate-settings'

describe('personio > rate-settings > PERSONIO_RATE_LIMITS', () => {
  it('replaces the documented figure of each family named, the burst kept in proportion unless given', () => {
    expect(parseRateLimits('employees=3, v2=8/16,v2-persons=0.5,balances=2,v1-global=20')).toEqual({
      limits: {
        employees: { rate: 3, burst: 9 },
        v2: { rate: 8, burst: 16 },
        'v2-persons': { rate: 0.5, burst: 1 },
        balances: { rate: 2, burst: 6 },
        'v1-global': { rate: 20, burst: 20 },
      },
      problems: [],
    })
    expect(parseRateLimits('')).toEqual({ limits: {}, problems: [] })
  })

  it.each(['employee=3', 'employees', 'employees=0', 'employees=fast', 'employees=5000', 'v2=3/x', 'v2=3/0'])(
    'refuses %s with the form and the families expected',
    (entry) => {
      const { limits, problems } = parseRateLimits(`v1=2,${entry}`)
      expect(limits).toEqual({ v1: { rate: 2, burst: 4 } })
      expect(problems).toEqual([
        expect.stringContaining(`PERSONIO_RATE_LIMITS (personio.rateLimits): "${entry}" is not`),
      ])
      expect(problems[0]).toContain(
        'employees, balances, v1, v2-persons, v2-periods, v2, v1-auth, v2-auth, v1-global',
      )
    },
  )

  it('refuses a family named twice', () => {
    expect(parseRateLimits('v2=3,v2=4').problems).toEqual([
      'PERSONIO_RATE_LIMITS (personio.rateLimits): v2 is named twice; give each family once',
    ])
  })
})

describe('personio > rate-settings > PERSONIO_RATE_CEILINGS', () => {
  it('reads a ceiling per learned family', () => {
    expect(parseRateCeilings('balances=10, v2=40,v1=33.3')).toEqual({
      ceilings: { balances: 10, v2: 40, v1: 33.3 },
      problems: [],
    })
  })

  it.each(['v1-auth=2', 'v2-auth=2', 'v1-global=40'])('refuses %s: that family is never learned', (entry) => {
    expect(parseRateCeilings(entry).problems).toEqual([
      expect.stringMatching(
        /^PERSONIO_RATE_CEILINGS \(personio.rateCeilings\): \S+ is never learned, so it has no ceiling; set its figure in PERSONIO_RATE_LIMITS$/,
      ),
    ])
  })

  it.each(['balance=3', 'balances', 'balances=0', 'balances=3/6', 'balances=2000'])(
    'refuses %s with the form expected',
    (entry) => {
      const { ceilings, problems } = parseRateCeilings(`v2=20,${entry}`)
      expect(ceilings).toEqual({ v2: 20 })
      expect(problems).toEqual([
        `PERSONIO_RATE_CEILINGS (personio.rateCeilings): "${entry}" is not <family>=<requests per second, above 0 and at most 1000> with a family of employees, balances, v1, v2-persons, v2-periods, v2 (e.g. employees=10,v2=40)`,
      ])
    },
  )

  it('refuses a family named twice', () => {
    expect(parseRateCeilings('v2=3,v2=4').problems).toEqual([
      'PERSONIO_RATE_CEILINGS (personio.rateCeilings): v2 is named twice; give each family once',
    ])
  })
})
