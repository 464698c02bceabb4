// v1 attendances and attendance projects, deprecated by Personio (removal announced for
// 2026-08-30) but still served here so a client of the older API can be tested. Attendances need
// `start_date` and `end_date`, hide pending and rejected periods unless `includePending`, and page
// by record offset; projects are one unpaged list.
import { berlinDay, parseDateOnly, parsePersonioTime } from '../../personio/dates'
import { berlinMidnightMs } from '../time-format'
import { renderV1Attendance, renderV1AttendanceProject } from '../render/v1-attendances'
import { arrayParam, type RouteContext, type SimRequest } from './context'
import { json, v1Error, type Reply } from './respond'
import { recordPage, recordWindow, type Route } from './v1-routes'

/** `updated_from` / `updated_to`: a date (the whole day, inclusive) or a date-time, zone optional. */
function updatedBound(raw: string | null, edge: 'from' | 'to'): number | undefined | 'bad' {
  if (raw === null) return undefined
  const day = parseDateOnly(raw)
  if (day === undefined) return parsePersonioTime(raw) ?? 'bad'
  return edge === 'from' ? berlinMidnightMs(day) : berlinMidnightMs(day + 1) - 1
}

function attendances(ctx: RouteContext, req: SimRequest): Reply {
  const startRaw = req.query.get('start_date')
  const endRaw = req.query.get('end_date')
  if (startRaw === null || endRaw === null)
    return v1Error(400, 'The start date and the end date are required.', 0)
  const start = parseDateOnly(startRaw)
  const end = parseDateOnly(endRaw)
  if (start === undefined || end === undefined)
    return v1Error(400, 'The start date and the end date must be dates in the format YYYY-MM-DD.', 0)
  const from = updatedBound(req.query.get('updated_from'), 'from')
  const to = updatedBound(req.query.get('updated_to'), 'to')
  if (from === 'bad' || to === 'bad')
    return v1Error(400, 'The updated from/to must be dates or date-times.', 0)
  const ids = arrayParam(req.query, 'employees')
  if (ids === 'not-an-array') return v1Error(400, 'the employees must be an array', 0)
  const includePending = ['true', '1'].includes(req.query.get('includePending') ?? '')
  const window = recordWindow(req, 200, 200)
  if ('status' in window) return window
  const rows = ctx.company.list('attendances').filter((a) => {
    const day = berlinDay(a.start)
    return (
      a.kind === 'WORK' &&
      day >= start &&
      day <= end &&
      (includePending || a.status === 'CONFIRMED') &&
      (ids === undefined || ids.includes(String(a.employeeId))) &&
      (from === undefined || a.updatedAt >= from) &&
      (to === undefined || a.updatedAt <= to)
    )
  })
  return recordPage(rows, window, (a) => renderV1Attendance(a, ctx.company))
}

export const v1AttendanceRoutes: Route[] = [
  ['GET', /^\/v1\/company\/attendances$/, attendances],
  [
    'GET',
    /^\/v1\/company\/attendances\/projects$/,
    (ctx) => json(200, { success: true, data: ctx.company.list('projects').map(renderV1AttendanceProject) }),
  ],
]
