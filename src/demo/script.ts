// The changes the demo makes in its simulated company while the producer runs: a few edits, a hire,
// an absence booked and one cancelled, a departure — the events a user should see arrive. Pure
// apart from the company it is given; each step says what it did.
import type { Company } from '../simulator'

export interface DemoStep {
  say: string
  run(company: Company): void
}

export function demoSteps(): DemoStep[] {
  return [
    {
      say: 'an employee is promoted (employees u)',
      run: (c) => {
        const e = c.list('employees')[0]
        if (e !== undefined) c.update('employees', e.id, { position: 'Head of People' })
      },
    },
    {
      say: 'a new employee is hired (employees c, then balances)',
      run: (c) =>
        void c.create('employees', {
          firstName: 'Grace',
          lastName: 'Hopper',
          email: 'grace.hopper@example.com',
        }),
    },
    {
      say: 'three days of paid vacation are booked and approved (absences c, balances u)',
      run: (c) => {
        const e = c.list('employees')[1]
        const vacation = c.list('timeOffTypes').find((t) => t.category === 'paid_vacation')
        if (e === undefined || vacation === undefined) return
        // approved and in two weeks: the available balance of that type falls by three days
        const start = Math.floor(c.clock.now() / 86_400_000) + 14
        c.create('timeOffs', {
          employeeId: e.id,
          typeId: vacation.id,
          status: 'approved',
          startDay: start,
          endDay: start + 2,
          daysCount: 3,
          halfDayStart: false,
          halfDayEnd: false,
          comment: 'booked in the demo',
        })
      },
    },
    {
      say: 'an absence is cancelled: Personio deletes it (absences d)',
      run: (c) => {
        const t = c.list('timeOffs')[0]
        if (t !== undefined) c.remove('timeOffs', t.id)
      },
    },
    {
      say: 'an employee leaves and is deleted (employees d, their balances d)',
      run: (c) => {
        const e = c.list('employees')[2]
        if (e === undefined) return
        for (const t of c.timeOffsOf(e.id)) c.remove('timeOffs', t.id)
        c.remove('employees', e.id)
      },
    },
    {
      say: 'a document category is renamed (document_categories u)',
      run: (c) => {
        const d = c.list('documentCategories')[0]
        if (d !== undefined) c.update('documentCategories', d.id, { name: 'Contracts (signed)' })
      },
    },
  ]
}
