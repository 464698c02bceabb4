// v2 endpoints: `_data` / `_meta.links` envelopes, opaque cursors, `updated_at.gte/.lte` filters,
// problem+json errors on a bad limit, filter or cursor.
import { parseInstant } from '../dates'
import { employmentId, renderAttendance, renderEmployment, renderPerson, renderProject } from '../render/v2'
import {
  breakdownsOf,
  fromAbsencePeriod,
  fromTimeOff,
  renderV2AbsencePeriod,
  renderV2AbsenceType,
  type V2AbsenceRow,
} from '../render/v2-absences'
import { employmentUpdatedAt, personUpdatedAt } from '../state/attribute-changes'
import type { AttendanceState, EmployeeState } from '../state/model'
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

export function page<T>(
  ctx: RouteContext,
  req: SimRequest,
  rows: readonly T[],
  render: (row: T) => unknown,
  maxLimit: number,
  defaultLimit = maxLimit,
): Reply {
  const limit = intParam(req.query, 'limit') ?? defaultLimit
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

/**
 * `.gte` / `.lte` bounds as UTC ms: `updated_at` in UTC, period `date_time`s in company-local time
 * without offset; a 400 Reply when one does not parse.
 */
function timeBounds(
  req: SimRequest,
  names: readonly string[],
): { bounds: Record<string, number | undefined> } | { problem: Reply } {
  const times: Record<string, number | undefined> = {}
  for (const name of names) {
    const raw = req.query.get(name)
    if (raw === null) continue
    const ms = parseInstant(raw, name.startsWith('updated') ? 'UTC' : 'Europe/Berlin')
    if (ms === undefined)
      return { problem: v2Problem(400, 'Bad request', `Provided value for ${name} is not valid`) }
    times[name] = ms
  }
  return { bounds: times }
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
  const unknown = unknownParam(req, KNOWN_ATTENDANCE_PARAMS)
  if (unknown !== undefined) return unknown
  const parsed = timeBounds(req, [
    'updated_at.gte',
    'updated_at.lte',
    'start.date_time.gte',
    'start.date_time.lte',
  ])
  if ('problem' in parsed) return parsed.problem
  const times = parsed.bounds
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

/** Unknown parameters are refused with 400, as Personio's v2 validation does. */
export function unknownParam(req: SimRequest, known: ReadonlySet<string>): Reply | undefined {
  for (const name of req.query.keys()) {
    if (!known.has(name)) return v2Problem(400, 'Bad request', `Unknown filter ${name}`)
  }
  return undefined
}

type TimeTest = (ms: number) => boolean

/**
 * `<field>`, `<field>.gt`, `<field>.lt` as one predicate (persons and employments: exclusive bounds,
 * plain equality without operator); a Reply when a value does not parse.
 */
function timeFilter(req: SimRequest, field: string): TimeTest | Reply {
  const tests: TimeTest[] = []
  for (const [suffix, test] of [
    ['', (v: number, x: number) => v === x],
    ['.gt', (v: number, x: number) => v > x],
    ['.lt', (v: number, x: number) => v < x],
  ] as const) {
    const raw = req.query.get(field + suffix)
    if (raw === null) continue
    const x = parseInstant(raw, 'UTC')
    if (x === undefined)
      return v2Problem(400, 'Bad request', `Provided value for ${field}${suffix} is not valid`)
    tests.push((v) => test(v, x))
  }
  return (v) => tests.every((t) => t(v))
}

const PERSON_PARAMS = new Set([
  'cursor',
  'limit',
  'id',
  'email',
  'first_name',
  'last_name',
  'preferred_name',
  'status',
  ...['created_at', 'updated_at'].flatMap((f) => [f, `${f}.gt`, `${f}.lt`]),
])

function persons(ctx: RouteContext, req: SimRequest): Reply {
  const unknown = unknownParam(req, PERSON_PARAMS)
  if (unknown !== undefined) return unknown
  const created = timeFilter(req, 'created_at')
  if (typeof created !== 'function') return created
  const updated = timeFilter(req, 'updated_at')
  if (typeof updated !== 'function') return updated
  const status = req.query.get('status')
  if (status !== null && status !== 'ACTIVE' && status !== 'INACTIVE')
    return v2Problem(400, 'Bad request', 'Provided value for status is not valid')
  const ids = multiParam(req.query, 'id')
  const emails = multiParam(req.query, 'email')
  const exact = (['first_name', 'last_name', 'preferred_name'] as const).map(
    (name) => [name, req.query.get(name)] as const,
  )
  const valueOf = (e: EmployeeState, name: (typeof exact)[number][0]) =>
    name === 'first_name' ? e.firstName : name === 'last_name' ? e.lastName : e.preferredName
  const rows = ctx.company
    .list('employees')
    .filter(
      (e) =>
        (ids === undefined || ids.includes(String(e.id))) &&
        (emails === undefined || (e.email !== null && emails.includes(e.email))) &&
        exact.every(([name, v]) => v === null || valueOf(e, name) === v) &&
        (status === null || (e.status === 'inactive' ? 'INACTIVE' : 'ACTIVE') === status) &&
        created(e.createdAt) &&
        updated(personUpdatedAt(e)),
    )
  return page(ctx, req, rows, (e) => renderPerson(e, ctx.company, ctx.baseUrl), 50, 10)
}

const EMPLOYMENT_PARAMS = new Set(['cursor', 'limit', 'id', 'updated_at', 'updated_at.gt', 'updated_at.lt'])

const notFound = () => v2Problem(404, 'Not found', 'The requested resource was not found')

function personOf(ctx: RouteContext, id: string | undefined): EmployeeState | undefined {
  return id !== undefined && /^\d+$/.test(id) ? ctx.company.get('employees', Number(id)) : undefined
}

function employments(ctx: RouteContext, req: SimRequest, [personId]: string[]): Reply {
  const person = personOf(ctx, personId)
  if (person === undefined) return notFound()
  const unknown = unknownParam(req, EMPLOYMENT_PARAMS)
  if (unknown !== undefined) return unknown
  const updated = timeFilter(req, 'updated_at')
  if (typeof updated !== 'function') return updated
  const ids = multiParam(req.query, 'id')
  // One employment per simulated person; Personio sorts newest first.
  const rows = [person].filter(
    (e) => (ids === undefined || ids.includes(employmentId(e.id))) && updated(employmentUpdatedAt(e)),
  )
  return page(ctx, req, rows, (e) => renderEmployment(e, ctx.baseUrl), 50, 10)
}

const ABSENCE_PARAMS = new Set([
  'cursor',
  'limit',
  'id',
  'absence_type.id',
  'person.id',
  'starts_from.date_time.gte',
  'starts_from.date_time.lte',
  'ends_at.date_time.gte',
  'ends_at.date_time.lte',
  'updated_at.gte',
  'updated_at.lte',
])

/** Daily and hourly absences as one v2 listing in id order, with an index by id. */
function absenceRows(ctx: RouteContext): { rows: V2AbsenceRow[]; byId: Map<string, V2AbsenceRow> } {
  const c = ctx.company
  return c.derived('v2-absence-periods', ['timeOffs', 'absencePeriods', 'timeOffTypes'], () => {
    const rows = [
      ...c.list('timeOffs').map((o) => fromTimeOff(o, c)),
      ...c.list('absencePeriods').map((p) => fromAbsencePeriod(p, c)),
    ].sort((x, y) => (x.id < y.id ? -1 : 1))
    return { rows, byId: new Map(rows.map((r) => [r.id, r])) }
  })
}

function absencePeriods(ctx: RouteContext, req: SimRequest): Reply {
  const unknown = unknownParam(req, ABSENCE_PARAMS)
  if (unknown !== undefined) return unknown
  const parsed = timeBounds(
    req,
    [...ABSENCE_PARAMS].filter((name) => name.endsWith('.gte') || name.endsWith('.lte')),
  )
  if ('problem' in parsed) return parsed.problem
  const times = parsed.bounds
  const ids = multiParam(req.query, 'id')
  const people = multiParam(req.query, 'person.id')
  const types = multiParam(req.query, 'absence_type.id')
  // Date-range bounds match overlapping periods: a lower bound keeps periods that have not ended
  // before it, an upper bound periods that started by then (open-ended periods never end).
  const lower = Math.max(
    times['starts_from.date_time.gte'] ?? -Infinity,
    times['ends_at.date_time.gte'] ?? -Infinity,
  )
  const upper = Math.min(
    times['starts_from.date_time.lte'] ?? Infinity,
    times['ends_at.date_time.lte'] ?? Infinity,
  )
  const rows = absenceRows(ctx).rows.filter(
    (r) =>
      (ids === undefined || ids.includes(r.id)) &&
      (people === undefined || people.includes(String(r.personId))) &&
      (types === undefined || types.includes(r.type?.uuid ?? '')) &&
      (r.end === null || r.end >= lower) &&
      r.start <= upper &&
      r.updatedAt >= (times['updated_at.gte'] ?? -Infinity) &&
      r.updatedAt <= (times['updated_at.lte'] ?? Infinity),
  )
  return page(ctx, req, rows, renderV2AbsencePeriod, 100)
}

export const v2Routes: Route[] = [
  ['GET', /^\/v2\/absence-periods$/, absencePeriods],
  [
    'GET',
    /^\/v2\/absence-periods\/([^/]+)$/,
    (ctx, _req, [id]) => {
      const row = absenceRows(ctx).byId.get(id as string)
      return row === undefined ? notFound() : json(200, renderV2AbsencePeriod(row))
    },
  ],
  [
    'GET',
    /^\/v2\/absence-periods\/([^/]+)\/breakdowns$/,
    (ctx, req, [id]) => {
      const row = absenceRows(ctx).byId.get(id as string)
      return row === undefined ? notFound() : page(ctx, req, breakdownsOf(row), (b) => b, 28)
    },
  ],
  [
    'GET',
    /^\/v2\/absence-types$/,
    (ctx, req) => page(ctx, req, ctx.company.list('timeOffTypes'), renderV2AbsenceType, 100),
  ],
  [
    'GET',
    /^\/v2\/absence-types\/([^/]+)$/,
    (ctx, _req, [id]) => {
      const type = ctx.company.list('timeOffTypes').find((t) => t.uuid === id)
      return type === undefined ? notFound() : json(200, renderV2AbsenceType(type))
    },
  ],
  ['GET', /^\/v2\/persons$/, persons],
  [
    'GET',
    /^\/v2\/persons\/([^/]+)$/,
    (ctx, _req, [id]) => {
      const e = personOf(ctx, id)
      return e === undefined ? notFound() : json(200, renderPerson(e, ctx.company, ctx.baseUrl))
    },
  ],
  ['GET', /^\/v2\/persons\/([^/]+)\/employments$/, employments],
  [
    'GET',
    /^\/v2\/persons\/([^/]+)\/employments\/([^/]+)$/,
    (ctx, _req, [personId, id]) => {
      const e = personOf(ctx, personId)
      return e === undefined || employmentId(e.id) !== id
        ? notFound()
        : json(200, renderEmployment(e, ctx.baseUrl))
    },
  ],
  ['GET', /^\/v2\/attendance-periods$/, attendances],
  [
    'GET',
    /^\/v2\/attendance-periods\/([0-9a-f-]+)$/,
    (ctx, _req, [id]) => {
      const a = ctx.company.get('attendances', id as string)
      return a === undefined ? notFound() : json(200, renderAttendance(a))
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
