// v1 absences: daily time-offs (id inside attributes, `+0100` offsets without colon, short employee)
// and hourly absence periods (UUID ids, UTC `Z` timestamps with milliseconds, breakdowns).
import type { V1AbsencePeriod, V1TimeOffPeriod, V1TimeOffType } from '../../personio/types'
import type { Company } from '../state/company'
import type { AbsencePeriodState, TimeOffState, TimeOffTypeState } from '../state/model'
import { berlinMidnightNoColon, berlinNoColon, isoDate, minutesPerBerlinDay, utcMillis } from '../time-format'
import { shortEmployee } from './v1-employee'
import { timeOffUuid } from './v2-absences'

export function renderTimeOff(o: TimeOffState, c: Company): V1TimeOffPeriod {
  const type = c.get('timeOffTypes', o.typeId)
  return {
    type: 'TimeOffPeriod',
    attributes: {
      id: o.id,
      id_v2: timeOffUuid(o.id),
      status: o.status,
      start_date: berlinMidnightNoColon(o.startDay),
      end_date: berlinMidnightNoColon(o.endDay),
      days_count: o.daysCount,
      half_day_start: o.halfDayStart,
      half_day_end: o.halfDayEnd,
      time_off_type: {
        type: 'TimeOffType',
        attributes: { id: o.typeId, name: type?.name ?? '', category: type?.category ?? null },
      },
      employee: shortEmployee(c.get('employees', o.employeeId), o.employeeId),
      certificate: { status: o.certificateStatus },
      created_at: berlinNoColon(o.createdAt),
      created_by: o.createdBy,
      updated_at: berlinNoColon(o.updatedAt),
      comment: o.comment,
    },
  }
}

/** Minutes per company-local day; an open-ended period has none yet. */
function breakdowns(p: AbsencePeriodState): { date: string; effective_duration: number }[] {
  if (p.end === null) return []
  return minutesPerBerlinDay(p.start, p.end).map((d) => ({
    date: isoDate(d.day),
    effective_duration: d.minutes,
  }))
}

export function renderAbsencePeriod(p: AbsencePeriodState, c: Company): V1AbsencePeriod {
  const type = c.get('timeOffTypes', p.typeId)
  const parts = breakdowns(p)
  return {
    type: 'AbsencePeriod',
    attributes: {
      id: p.id,
      measurement_unit: 'hour',
      effective_duration: parts.reduce((s, b) => s + b.effective_duration, 0),
      employee: shortEmployee(c.get('employees', p.employeeId), p.employeeId),
      absence_type: {
        type: 'AbsenceType',
        attributes: { id: type?.uuid ?? '', name: type?.name ?? '', time_off_type_id: p.typeId },
      },
      certificate: { status: 'not-required' },
      start: utcMillis(p.start),
      end: p.end === null ? null : utcMillis(p.end),
      half_day_start: false,
      half_day_end: false,
      comment: p.comment,
      origin: p.origin,
      status: p.status,
      timezone: 'Europe/Berlin',
      created_by: p.createdBy,
      created_at: utcMillis(p.createdAt),
      updated_at: utcMillis(p.updatedAt),
      approved_at: p.approvedAt === null ? null : utcMillis(p.approvedAt),
      breakdowns: parts,
    },
  }
}

/** Includes the undocumented fields live tenants still send (removed from the docs in Sep 2024). */
export function renderTimeOffType(t: TimeOffTypeState): V1TimeOffType {
  return {
    type: 'TimeOffType',
    attributes: {
      id: t.id,
      name: t.name,
      category: t.category,
      unit: t.unit,
      approval_required: t.approvalRequired,
      legacy_category: t.category,
      half_day_requests_enabled: t.unit === 'day',
      certification_required: t.category === 'sick_leave',
      certification_submission_timeframe: t.category === 'sick_leave' ? 3 : null,
      substitute_option: 'disabled',
    },
  }
}
