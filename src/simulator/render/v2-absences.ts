// v2 absence periods cover daily and hourly absences alike: UUID ids (a daily time-off's v1 number
// becomes a stable UUID), local `date_time` without offset plus `timezone_id`, half days as
// `FIRST_HALF` / `SECOND_HALF`, amounts only in the breakdowns. v2 absence types are the v1
// time-off types under their UUID.
import type { V2AbsenceBreakdown, V2AbsencePeriod, V2AbsenceType } from '../../personio/types'
import { seededRandom, seededUuid } from '../random'
import type { Company } from '../state/company'
import type { AbsencePeriodState, TimeOffState, TimeOffTypeState } from '../state/model'
import {
  berlinMidnightMs,
  berlinNaive,
  dayOf,
  isoDate,
  minutesPerBerlinDay,
  utcSeconds,
} from '../time-format'

/** One v2 absence period, whichever v1 listing it comes from. */
export interface V2AbsenceRow {
  id: string
  personId: number
  type: TimeOffTypeState | undefined
  /** UTC ms; daily absences span Berlin midnights */
  start: number
  end: number | null
  startHalf: 'SECOND_HALF' | null
  endHalf: 'FIRST_HALF' | null
  comment: string | null
  status: 'approved' | 'pending' | 'rejected'
  createdAt: number
  updatedAt: number
  unit: 'DAY' | 'HOUR'
}

/** The v2 UUID of a daily time-off: derived from its v1 id, the same on every run. */
export function timeOffUuid(id: number): string {
  return seededUuid(seededRandom(id ^ 0x7a11d0ff))
}

export function fromTimeOff(o: TimeOffState, c: Company): V2AbsenceRow {
  return {
    id: timeOffUuid(o.id),
    personId: o.employeeId,
    type: c.get('timeOffTypes', o.typeId),
    start: berlinMidnightMs(o.startDay),
    end: berlinMidnightMs(o.endDay),
    startHalf: o.halfDayStart ? 'SECOND_HALF' : null,
    endHalf: o.halfDayEnd ? 'FIRST_HALF' : null,
    comment: o.comment,
    status: o.status,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    unit: 'DAY',
  }
}

export function fromAbsencePeriod(p: AbsencePeriodState, c: Company): V2AbsenceRow {
  return {
    id: p.id,
    personId: p.employeeId,
    type: c.get('timeOffTypes', p.typeId),
    start: p.start,
    end: p.end,
    startHalf: null,
    endHalf: null,
    comment: p.comment,
    status: p.status,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    unit: 'HOUR',
  }
}

export function renderV2AbsencePeriod(r: V2AbsenceRow): V2AbsencePeriod {
  return {
    id: r.id,
    person: { id: String(r.personId) },
    absence_type: { id: r.type?.uuid ?? '' },
    starts_from: { date_time: berlinNaive(r.start), type: r.startHalf },
    ends_at: r.end === null ? null : { date_time: berlinNaive(r.end), type: r.endHalf },
    timezone_id: 'Europe/Berlin',
    comment: r.comment,
    approval: {
      status: r.status === 'approved' ? 'APPROVED' : r.status === 'pending' ? 'PENDING' : 'REJECTED',
    },
    created_at: utcSeconds(r.createdAt),
    updated_at: utcSeconds(r.updatedAt),
  }
}

/** Per-day amounts: whole or half days for daily absences, hours for hourly ones (open-ended: none). */
export function breakdownsOf(r: V2AbsenceRow): V2AbsenceBreakdown[] {
  if (r.end === null) return []
  if (r.unit === 'DAY') {
    // start and end are Berlin midnights: noon of the same UTC date names the day safely
    const out: V2AbsenceBreakdown[] = []
    const first = dayOf(r.start + 12 * 3_600_000)
    const last = dayOf(r.end + 12 * 3_600_000)
    for (let day = first; day <= last; day++) {
      const half = (day === first && r.startHalf !== null) || (day === last && r.endHalf !== null)
      out.push({ date: isoDate(day), effective_duration: { unit: 'DAY', value: half ? 0.5 : 1 } })
    }
    return out
  }
  return minutesPerBerlinDay(r.start, r.end).map((d) => ({
    date: isoDate(d.day),
    effective_duration: { unit: 'HOUR', value: Math.round(d.minutes / 0.6) / 100 },
  }))
}

export function renderV2AbsenceType(t: TimeOffTypeState): V2AbsenceType {
  return { id: t.uuid, name: t.name, category: t.category, unit: t.unit === 'day' ? 'DAY' : 'HOUR' }
}
