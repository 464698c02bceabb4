// v2 endpoints: `_data` / `_meta.links` envelopes, opaque cursors, `updated_at.gte/.lte` filters,
// problem+json errors on a bad limit, filter or cursor.
import { parsePersonioTime } from '../../personio/dates'
import { renderAttendance, renderProject } from '../render/v2'
import type { AttendanceState } from '../state/model'
import { intParam, multiParam, type RouteContext, type SimRequest } from './context'
import { json, v2Problem, type Reply } from './respond'
import type { Route } from './v1-routes'

/** Cursor = position + a digest of the query it belongs to, so a cursor reused with other filters is refused. */
function encodeCursor(position: number, query: string): string {
  return `cur_${Buffer.from(JSON.stringify({ p: position, q: query })).toString('base64url')}`
}

function decodeCursor(cursor: string, query: string): number | undefined {
  if (!cursor.startsWith('cur_')) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(cursor.slice(4), 'base64url').toString('utf8')) as {
      p?: unknown
      q?: unknown
    }
    return typeof parsed.p === 'number' && parsed.q === query ? parsed.p : undefined
  } catch {
    return undefined
  }
}

function page<T>(
  ctx: RouteContext,
  req: SimRequest,
  rows: readonly T[],
  render: (row: T) => unknown,
  maxLimit: number,
): Reply {
  const limit = intParam(req.query, 'limit') ?? maxLimit
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
    return v2Problem(400, 'Bad request', 'Provided value for limit is not valid')
  const filters = new URLSearchParams(req.query)
  filters.delete('cursor')
  filters.delete('limit')
  const key = filters.toString()
  const cursor = req.query.get('cursor')
  const position = cursor === null ? 0 : decodeCursor(cursor, key)
  if (position === undefined) return v2Problem(400, 'Bad request', 'Provided cursor is not valid')
  const slice = rows.slice(position, position + limit)
  const origin = ctx.absoluteNextLinks ? ctx.baseUrl : ''
  const self = `${origin}${req.path}?${req.query.toString()}`
  const nextQuery = new URLSearchParams(filters)
  nextQuery.set('limit', String(limit))
  nextQuery.set('cursor', encodeCursor(position + limit, key))
  const links: Record<string, { href: string }> = { self: { href: self } }
  if (position + limit < rows.length) links.next = { href: `${origin}${req.path}?${nextQuery.toString()}` }
  return json(200, { _data: slice.map(render), _meta: { links } })
}

const KNOWN_ATTENDANCE_PARAMS = new Set([
  'cursor',
  'limit',
  'id',
  'person.id',
  'status',
  'sort',
  'project.id',
  'updated_at.gte',
  'updated_at.lte',
  'start.date_time.gte',
  'start.date_time.lte',
  'end.date_time.gte',
  'end.date_time.lte',
  'attribution_date.gte',
  'attribution_date.lte',
])

const SORT_KEYS: Record<string, (a: AttendanceState) => number | string> = {
  'person.id': (a) => a.employeeId,
  'start.date_time': (a) => a.start,
  'end.date_time': (a) => a.end ?? Number.MAX_SAFE_INTEGER,
  updated_at: (a) => a.updatedAt,
  status: (a) => a.status,
}

function attendances(ctx: RouteContext, req: SimRequest): Reply {
  for (const name of req.query.keys()) {
    if (!KNOWN_ATTENDANCE_PARAMS.has(name)) return v2Problem(400, 'Bad request', `Unknown filter ${name}`)
  }
  const times: Record<string, number | undefined> = {}
  for (const name of ['updated_at.gte', 'updated_at.lte', 'start.date_time.gte', 'start.date_time.lte']) {
    const raw = req.query.get(name)
    if (raw === null) continue
    const ms = parsePersonioTime(raw, name.startsWith('updated') ? 'UTC' : 'Europe/Berlin')
    if (ms === undefined) return v2Problem(400, 'Bad request', `Provided value for ${name} is not valid`)
    times[name] = ms
  }
  const people = multiParam(req.query, 'person.id')
  const ids = multiParam(req.query, 'id')
  const statuses = multiParam(req.query, 'status')
  let rows = ctx.company
    .list('attendances')
    .filter(
      (a) =>
        (people === undefined || people.includes(String(a.employeeId))) &&
        (ids === undefined || ids.includes(a.id)) &&
        (statuses === undefined || statuses.includes(a.status)) &&
        (times['updated_at.gte'] === undefined || a.updatedAt >= times['updated_at.gte']) &&
        (times['updated_at.lte'] === undefined || a.updatedAt <= times['updated_at.lte']) &&
        (times['start.date_time.gte'] === undefined || a.start >= times['start.date_time.gte']) &&
        (times['start.date_time.lte'] === undefined || a.start <= times['start.date_time.lte']),
    )
  const sort = (req.query.get('sort') ?? 'person.id,start.date_time,end.date_time').split(',')
  for (const s of sort) {
    if (SORT_KEYS[s.replace(/^-/, '')] === undefined)
      return v2Problem(400, 'Bad request', `Unsupported sort ${s}`)
  }
  rows = [...rows].sort((a, b) => {
    for (const s of sort) {
      const f = SORT_KEYS[s.replace(/^-/, '')] as (x: AttendanceState) => number | string
      const [x, y] = [f(a), f(b)]
      if (x !== y) return (x < y ? -1 : 1) * (s.startsWith('-') ? -1 : 1)
    }
    return a.id < b.id ? -1 : 1
  })
  return page(ctx, req, rows, renderAttendance, 100)
}

export const v2Routes: Route[] = [
  ['GET', /^\/v2\/attendance-periods$/, attendances],
  [
    'GET',
    /^\/v2\/attendance-periods\/([0-9a-f-]+)$/,
    (ctx, _req, [id]) => {
      const a = ctx.company.get('attendances', id as string)
      return a === undefined
        ? v2Problem(404, 'Not found', 'The requested resource was not found')
        : json(200, renderAttendance(a))
    },
  ],
  [
    'GET',
    /^\/v2\/projects$/,
    (ctx, req) =>
      req.query.has('includes')
        ? v2Problem(400, 'Bad request', 'includes is not supported')
        : page(ctx, req, ctx.company.list('projects'), renderProject, 100),
  ],
]
