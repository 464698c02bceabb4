// The Personio day every downstream test replays: in every resource one record changed and one
// deleted (a document category created too, a report removed), an hour later. Returns the employee
// changed and the one deleted, whose rows the tests look at.
import type { Company } from '../../src/simulator/state/company'

export function changeEveryResource(c: Company, position: string, fixSalary: number) {
  c.clock.advance(3_600_000)
  const [e1, e2] = c.list('employees')
  c.update('employees', e1!.id, { position, fixSalary })
  c.remove('employees', e2!.id)
  const [o1, o2] = c.list('timeOffs')
  c.update('timeOffs', (o1 as { id: number }).id, { status: 'rejected', comment: 'changed' })
  c.remove('timeOffs', (o2 as { id: number }).id)
  c.remove('absencePeriods', (c.list('absencePeriods')[0] as { id: string }).id)
  const [a1, a2] = c.list('attendances')
  c.update('attendances', (a1 as { id: string }).id, { comment: 'moved', end: null })
  c.remove('attendances', (a2 as { id: string }).id)
  const [p1, p2] = c.list('projects')
  c.update('projects', (p1 as { id: string }).id, { billable: !(p1 as { billable: boolean }).billable })
  c.remove('projects', (p2 as { id: string }).id)
  c.update('timeOffTypes', (c.list('timeOffTypes')[0] as { id: number }).id, { name: 'Renamed leave' })
  c.remove('documentCategories', (c.list('documentCategories')[0] as { id: number }).id)
  c.create('documentCategories', { name: `${position} contracts` })
  c.remove('reports', (c.list('reports').find((r) => r.status === 'up_to_date') as { id: string }).id)
  return { changed: e1!.id, removed: e2!.id }
}
