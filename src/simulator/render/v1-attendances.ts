// v1 attendances and attendance projects (deprecated by Personio; removal announced for
// 2026-08-30): bare integer ids and employee ids, local `HH:MM` times, breaks as minutes, `+02:00`
// offsets. The simulator keeps v2's model (UUIDs, separate BREAK periods) and derives this view.
import type { V1Attendance, V1AttendanceProject } from '../../personio/types'
import { groupBy, type Company } from '../state/company'
import type { AttendanceState, ProjectState } from '../state/model'
import { berlinNaive, berlinNoColon, berlinWithColon } from '../time-format'
import { berlinDay } from '../../personio/dates'

/** The v1 integer id of a v2 UUID: its first 48 bits, stable and unique enough for any simulated company. */
export function v1IdOf(uuid: string): number {
  return parseInt(uuid.replace(/-/g, '').slice(0, 12), 16)
}

/** BREAK periods by employee, kept until attendances change. */
function breaksOf(c: Company, employeeId: number): readonly AttendanceState[] {
  const index = c.derived('v1-attendance-breaks', ['attendances'], () =>
    groupBy(
      c.list('attendances').filter((b) => b.kind === 'BREAK' && b.end !== null),
      (b) => b.employeeId,
    ),
  )
  return index.get(employeeId) ?? []
}

export function renderV1Attendance(a: AttendanceState, c: Company): V1Attendance {
  const local = berlinNaive(a.start)
  const day = berlinDay(a.start)
  // v1 folds the day's breaks inside the period into minutes; an open period takes that day's only
  const breakMinutes = breaksOf(c, a.employeeId)
    .filter((b) => b.start >= a.start && berlinDay(b.start) === day && (a.end === null || b.start < a.end))
    .reduce((sum, b) => sum + Math.round(((b.end as number) - b.start) / 60_000), 0)
  const project = a.projectId === null ? undefined : c.get('projects', a.projectId)
  return {
    id: v1IdOf(a.id),
    type: 'AttendancePeriod',
    attributes: {
      employee: a.employeeId,
      date: local.slice(0, 10),
      start_time: local.slice(11, 16),
      end_time: a.end === null ? null : berlinNaive(a.end).slice(11, 16),
      break: breakMinutes,
      comment: a.comment,
      updated_at: berlinWithColon(a.updatedAt),
      status: a.status === 'CONFIRMED' ? 'confirmed' : a.status === 'PENDING' ? 'pending' : 'rejected',
      is_holiday: false,
      is_on_time_off: c
        .timeOffsOf(a.employeeId)
        .some((o) => o.status === 'approved' && o.startDay <= day && o.endDay >= day),
      project:
        project === undefined
          ? null
          : {
              id: v1IdOf(project.id),
              type: 'Project',
              attributes: { name: project.name, active: project.status === 'ACTIVE' },
            },
    },
  }
}

export function renderV1AttendanceProject(p: ProjectState): V1AttendanceProject {
  return {
    id: v1IdOf(p.id),
    type: 'Project',
    attributes: {
      name: p.name,
      active: p.status === 'ACTIVE',
      created_at: berlinNoColon(p.createdAt),
      updated_at: berlinNoColon(p.updatedAt),
    },
  }
}
