// v1 Personnel Data endpoints, each with its own pagination quirk and change filter.
import { berlinDay, parseDay, parseInstant } from '../dates'
import { attributeDefinitions, renderEmployee } from '../render/v1-employee'
import { attributeChangedAt } from '../state/attribute-changes'
import { renderAbsencePeriod, renderTimeOff, renderTimeOffType } from '../render/v1-absences'
import { renderReport, reportAttributes, reportColumns, reportItems } from '../render/v1-reports'
import { arrayParam, intParam, type RouteContext, type SimRequest } from './context'
import { json, reportError, v1Error, type Reply } from './respond'

type Handler = (ctx: RouteContext, req: SimRequest, params: string[]) => Reply
export type Route = [method: string, pattern: RegExp, handler: Handler]

const whitelistOf = (ctx: RouteContext) =>
  ctx.credential.whitelist === undefined ? undefined : new Set(ctx.credential.whitelist)

/** v1 list envelope with Personio's metadata (current_page base differs per endpoint). */
function listEnvelope<T>(
  rows: T[],
  total: number,
  page: number,
  pages: number,
  offset: number,
  limit: number,
): Reply {
  return json(200, {
    success: true,
    metadata: { total_elements: total, current_page: page, total_pages: pages },
    offset,
    limit,
    data: rows,
  })
}

/** Record offsets (employees, attendances): `offset` counts rows; metadata pages count from 0. */
export function recordWindow(
  req: SimRequest,
  defaultLimit: number,
  max: number,
): { offset: number; limit: number } | Reply {
  const limit = intParam(req.query, 'limit') ?? defaultLimit
  const offset = intParam(req.query, 'offset') ?? 0
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    return v1Error(400, `The limit must be between 1 and ${max}.`, 0)
  if (!Number.isInteger(offset) || offset < 0)
    return v1Error(400, 'The offset must be a positive integer.', 0)
  return { offset, limit }
}

/** One page of a record-offset listing. */
export function recordPage<T>(
  rows: readonly T[],
  { offset, limit }: { offset: number; limit: number },
  render: (row: T) => unknown,
): Reply {
  return listEnvelope(
    rows.slice(offset, offset + limit).map(render),
    rows.length,
    Math.floor(offset / limit),
    Math.ceil(rows.length / limit),
    offset,
    limit,
  )
}

function employees(ctx: RouteContext, req: SimRequest): Reply {
  const window = recordWindow(req, 50, ctx.employeesMaxLimit)
  if ('status' in window) return window
  const sinceRaw = req.query.get('updated_since')
  const since = sinceRaw === null ? undefined : parseInstant(sinceRaw, ctx.naiveZone)
  if (sinceRaw !== null && since === undefined)
    return v1Error(422, 'The updated since must be a valid date.', 0)
  const attrs = req.query.getAll('attributes[]')
  const projection = attrs.length === 0 ? undefined : new Set(attrs)
  const email = req.query.get('email')
  let rows = ctx.company.list('employees')
  if (since !== undefined) {
    // "updated after": strictly later. With attributes[] it is also a selection: only employees
    // where one of the listed attributes changed after that instant.
    rows =
      projection === undefined
        ? rows.filter((e) => e.lastModifiedAt > since)
        : rows.filter((e) => attrs.some((key) => attributeChangedAt(e, key) > since))
  } else if (email !== null) {
    rows = rows.filter((e) => e.email === email) // ignored together with updated_since, as in Personio
  }
  const whitelist = whitelistOf(ctx)
  return recordPage(rows, window, (e) => renderEmployee(e, ctx.company, whitelist, projection))
}

/** Page-number offsets where 0 and 1 both mean the first page (time-offs, hourly periods). */
function pageWindow(req: SimRequest, max: number): { page: number; limit: number } | Reply {
  const limit = intParam(req.query, 'limit') ?? 200
  const offset = intParam(req.query, 'offset') ?? 0
  if (!Number.isInteger(limit) || limit < 1 || limit > max)
    return v1Error(400, `The limit must be between 1 and ${max}.`, 0)
  if (!Number.isInteger(offset) || offset < 0)
    return v1Error(400, 'The offset must be a positive integer.', 0)
  return { page: Math.max(1, offset), limit }
}

/** One page of a page-numbered listing; `offset` echoes the page, as those endpoints do. */
function pageOf<T>(
  rows: readonly T[],
  window: { page: number; limit: number },
  render: (row: T) => unknown,
): Reply {
  const pages = Math.max(1, Math.ceil(rows.length / window.limit))
  const slice = rows.slice((window.page - 1) * window.limit, window.page * window.limit)
  return listEnvelope(slice.map(render), rows.length, window.page, pages, window.page, window.limit)
}

function timeOffs(ctx: RouteContext, req: SimRequest): Reply {
  const window = pageWindow(req, 200)
  if ('status' in window) return window
  const ids = arrayParam(req.query, 'employees')
  if (ids === 'not-an-array') return v1Error(400, 'the employees must be an array', 0)
  const dateParam = (name: string): number | undefined | 'bad' => {
    const raw = req.query.get(name)
    if (raw === null) return undefined
    return parseDay(raw) ?? 'bad'
  }
  const [from, to, start, end] = ['updated_from', 'updated_to', 'start_date', 'end_date'].map(dateParam)
  for (const [name, v] of [
    ['updated_from', from],
    ['updated_to', to],
    ['start_date', start],
    ['end_date', end],
  ] as const) {
    if (v === 'bad')
      return v1Error(400, `The ${name.replace('_', ' ')} must be a date in the format YYYY-MM-DD.`, 0)
  }
  let rows = ctx.company.list('timeOffs')
  if (ids !== undefined) rows = rows.filter((o) => ids.includes(String(o.employeeId)))
  // Whole-day granularity (company days, or UTC days when the simulator reads filters as UTC):
  // everything changed on the from/to days is included.
  const dayOf = ctx.naiveZone === 'UTC' ? (ms: number) => Math.floor(ms / 86_400_000) : berlinDay
  if (typeof from === 'number') rows = rows.filter((o) => dayOf(o.updatedAt) >= from)
  if (typeof to === 'number') rows = rows.filter((o) => dayOf(o.updatedAt) <= to)
  if (typeof start === 'number') rows = rows.filter((o) => o.endDay >= start)
  if (typeof end === 'number') rows = rows.filter((o) => o.startDay <= end)
  return pageOf(rows, window, (o) => renderTimeOff(o, ctx.company))
}

function absencePeriods(ctx: RouteContext, req: SimRequest): Reply {
  const window = pageWindow(req, 200)
  if ('status' in window) return window
  const time = (name: string) => {
    const raw = req.query.get(name)
    return raw === null ? undefined : (parseInstant(raw, ctx.naiveZone) ?? Number.NaN)
  }
  const from = time('updated_from')
  const to = time('updated_to')
  if (Number.isNaN(from) || Number.isNaN(to)) return v1Error(400, 'models.absence-periods.invalid-filter', 0)
  const ids = arrayParam(req.query, 'employees')
  if (ids === 'not-an-array') return v1Error(400, 'the employees must be an array', 0)
  let rows = ctx.company.list('absencePeriods')
  if (ids !== undefined) rows = rows.filter((p) => ids.includes(String(p.employeeId)))
  if (from !== undefined) rows = rows.filter((p) => p.updatedAt >= from)
  if (to !== undefined) rows = rows.filter((p) => p.updatedAt <= to)
  return pageOf(rows, window, (p) => renderAbsencePeriod(p, ctx.company))
}

function report(ctx: RouteContext, req: SimRequest, [id]: string[]): Reply {
  const r = ctx.company.get('reports', id as string)
  if (r === undefined) return reportError(404, 'Not Found', `Report ${id} was not found`)
  if (r.archived) return reportError(400, 'Bad Request', 'The report is archived')
  const limit = intParam(req.query, 'limit') ?? 100
  const page = intParam(req.query, 'page') ?? 1
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000 || !Number.isInteger(page) || page < 1) {
    return reportError(400, 'Bad Request', 'page must be ≥ 1 and limit between 1 and 1000')
  }
  const all = ctx.company.list('employees')
  const rows = all.slice((page - 1) * limit, page * limit)
  const data = [
    { type: 'Report', attributes: { ...reportAttributes(r), items: reportItems(r, ctx.company, rows) } },
  ]
  return json(200, {
    success: true,
    metadata: {
      total_elements: all.length,
      current_page: page,
      total_pages: Math.max(1, Math.ceil(all.length / limit)),
    },
    offset: page,
    limit,
    data,
  })
}

export const v1Routes: Route[] = [
  ['GET', /^\/v1\/company\/employees$/, employees],
  [
    'GET',
    /^\/v1\/company\/employees\/(?:attributes|custom-attributes)$/,
    (ctx) => json(200, { success: true, data: attributeDefinitions(ctx.company, whitelistOf(ctx)) }),
  ],
  [
    'GET',
    /^\/v1\/company\/employees\/(\d+)$/,
    (ctx, _req, [id]) => {
      const e = ctx.company.get('employees', Number(id))
      return e === undefined
        ? v1Error(404, 'Es ist ein Problem aufgetreten: Mitarbeiter nicht gefunden', 0)
        : json(200, { success: true, data: renderEmployee(e, ctx.company, whitelistOf(ctx)) })
    },
  ],
  [
    'GET',
    /^\/v1\/company\/employees\/(\d+)\/absences\/balance$/,
    (ctx, _req, [id]) => {
      const balances = ctx.company.balances(Number(id))
      if (balances === undefined) return v1Error(404, 'Employee not found')
      const types = ctx.company
      const data = balances.map((b) => {
        const t = types.get('timeOffTypes', b.typeId)
        return {
          id: b.typeId,
          name: t?.name ?? '',
          category: t?.category ?? null,
          balance: b.balance,
          available_balance: b.available,
        }
      })
      return json(200, { success: true, data })
    },
  ],
  ['GET', /^\/v1\/company\/time-offs$/, timeOffs],
  [
    'GET',
    /^\/v1\/company\/time-offs\/(\d+)$/,
    (ctx, _req, [id]) => {
      const o = ctx.company.get('timeOffs', Number(id))
      return o === undefined
        ? v1Error(404, 'The absence period was not found.')
        : json(200, { success: true, data: renderTimeOff(o, ctx.company) })
    },
  ],
  ['GET', /^\/v1\/company\/absence-periods$/, absencePeriods],
  [
    'GET',
    /^\/v1\/company\/time-off-types$/,
    (ctx) => json(200, { success: true, data: ctx.company.list('timeOffTypes').map(renderTimeOffType) }),
  ],
  [
    'GET',
    /^\/v1\/company\/document-categories$/,
    (ctx) =>
      json(200, {
        success: true,
        data: ctx.company
          .list('documentCategories')
          .map((d) => ({ id: d.id, type: 'DocumentCategory', attributes: { name: d.name } })),
      }),
  ],
  [
    'GET',
    /^\/v1\/company\/custom-reports\/reports$/,
    (ctx) =>
      json(200, {
        success: true,
        metadata: null,
        offset: 0,
        limit: 0,
        data: ctx.company
          .list('reports')
          .filter((r) => !r.archived)
          .map(renderReport),
      }),
  ],
  ['GET', /^\/v1\/company\/custom-reports\/reports\/([0-9a-f-]+)$/, report],
  [
    'GET',
    /^\/v1\/company\/custom-reports\/columns$/,
    (ctx, req) => {
      const reportId = req.query.get('report_id')
      const r = reportId === null ? undefined : ctx.company.get('reports', reportId)
      const asked = req.query
        .get('columns')
        ?.split(',')
        .filter((c) => c !== '')
      return json(200, { success: true, data: reportColumns(asked ?? r?.columns ?? []) })
    },
  ],
]
