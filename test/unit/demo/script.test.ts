// The demo's narration is true: a step that says balances move makes a balance move in the
// simulated company (a change the producer then publishes as an update of that balance row),
// whatever company the seed made.
import { demoSteps } from '../../../src/demo/script'
import { simClock } from '../../../src/simulator/clock'
import { Company } from '../../../src/simulator/state/company'

/** The demo's company (startSimulator's defaults), for a seed. */
const demoCompany = (seed: number) =>
  new Company(
    {
      seed,
      employees: 50,
      absencesPerEmployee: 2,
      absencePeriodsPerEmployee: 1,
      attendancesPerEmployee: 3,
      reports: 2,
      customAttributes: 3,
    },
    simClock(Date.parse('2026-12-06T09:00:00Z')),
  )

describe('demo > script', () => {
  it.each([1, 2, 3, 4, 5, 6])('every step that announces "balances u" moves a balance (seed %i)', (seed) => {
    const company = demoCompany(seed)
    const balances = () =>
      new Map(company.list('employees').map((e) => [e.id, JSON.stringify(company.balances(e.id))]))
    const claims = demoSteps().filter((s) => /\bbalances u\b/.test(s.say))
    expect(claims.length).toBeGreaterThan(0)
    for (const step of demoSteps()) {
      const before = balances()
      step.run(company)
      if (!claims.some((c) => c.say === step.say)) continue
      const after = balances()
      const moved = [...before].filter(([id, b]) => after.has(id) && after.get(id) !== b)
      expect({ step: step.say, moved: moved.length > 0 }).toEqual({ step: step.say, moved: true })
    }
  })
})
