// The simulator's own rule for a yearly paid-vacation entitlement: what an HR system derives it
// from — the weekly hours against a full-time week, the part of the year the person is employed
// (hire date; termination, contract end or last working day), and whether they are still active.
// Written apart from the client's declaration of what moves a balance (src/resources/
// employees-absences-balance.ts `parentFields`) on purpose: a field missing there leaves a topic
// stale against what the simulator serves, and the oracle tests see it.
import type { EmployeeState } from './model'

const FULL_TIME_DAYS = 30
const FULL_TIME_HOURS = 40
const DAY = 86_400_000

export type EntitlementFacts = Pick<
  EmployeeState,
  'status' | 'weeklyWorkingHours' | 'hireDate' | 'terminationDate' | 'contractEndDate' | 'lastWorkingDay'
>

/** Days of paid vacation for the calendar year of `today` (epoch days), to half days. */
export function vacationEntitlement(e: EntitlementFacts, today: number): number {
  if (e.status === 'inactive') return 0
  const hours = Number(e.weeklyWorkingHours)
  const share = Number.isFinite(hours) && hours > 0 ? Math.min(hours, FULL_TIME_HOURS) / FULL_TIME_HOURS : 1
  const year = new Date(today * DAY).getUTCFullYear()
  const first = Date.UTC(year, 0, 1) / DAY
  const last = Date.UTC(year + 1, 0, 1) / DAY - 1
  const leaves = [e.lastWorkingDay, e.terminationDate, e.contractEndDate].filter(
    (d): d is number => d !== null,
  )
  const from = Math.max(e.hireDate, first)
  const to = Math.min(last, ...leaves)
  const employed = Math.max(0, to - from + 1) / (last - first + 1)
  return Math.round(FULL_TIME_DAYS * share * employed * 2) / 2
}
