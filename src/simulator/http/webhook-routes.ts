// `/v2/webhooks`: the subscription API (list, create, get, update, delete), a subscription's
// events and delivery activity of the last 30 days (cursor pages, limit 1–200, default 100), and
// redelivery, ping and test events (personio-api.md §7.8). v2 auth and problem+json errors like
// every v2 endpoint. Tokens are returned as set: the Webhook schema lists `token`.
import { parseInstant } from '../dates'
import type { WebhookDelivery } from '../webhooks/emitter'
import { isWebhookEventName, type WebhookEventName } from '../webhooks/events'
import type { RecordedEvent } from '../webhooks/hub'
import { isRefusal, readSubscription, type Subscription } from '../webhooks/subscriptions'
import type { RouteContext, SimRequest } from './context'
import { json, v2Problem, type Reply } from './respond'
import { page, unknownParam } from './v2-routes'
import type { Route } from './v1-routes'

const utc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export function renderSubscription(s: Subscription) {
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    status: s.status,
    auth_type: s.authType,
    token: s.token,
    custom_headers: s.customHeaders,
    enabled_events: s.enabledEvents,
    created_at: utc(s.createdAt),
    updated_at: utc(s.updatedAt),
  }
}

const renderEvent = (e: RecordedEvent) => ({
  id: e.id,
  company_id: e.envelope.company_id,
  event_name: e.envelope.event_name,
  occurred_at: e.envelope.occurred_at,
  payload: e.envelope.payload,
})

const renderActivity = (d: WebhookDelivery) => ({
  id: d.id,
  event_id: d.eventId ?? null,
  event_name: d.event.event_name,
  is_delivered: d.delivered,
  status_code: typeof d.outcome === 'number' ? d.outcome : null,
  error: typeof d.outcome === 'number' ? null : d.outcome,
  attempt: d.attempt,
  try: d.try,
  completed_at: utc(d.completedAt),
})

const notFound = () => v2Problem(404, 'Not found', 'The webhook was not found')
const bad = (detail: string) => v2Problem(400, 'Bad request', detail)

/** `<field>.gte` / `<field>.lte` from a query or a body, as ms; a 400 when one does not parse. */
function bounds(source: (name: string) => unknown, field: string): { gte?: number; lte?: number } | Reply {
  const out: { gte?: number; lte?: number } = {}
  for (const op of ['gte', 'lte'] as const) {
    const raw = source(`${field}.${op}`)
    if (raw === undefined || raw === null) continue
    const ms = typeof raw === 'string' ? parseInstant(raw, 'UTC') : undefined
    if (ms === undefined) return bad(`Provided value for ${field}.${op} is not valid`)
    out[op] = ms
  }
  return out
}

const within = (b: { gte?: number; lte?: number }, ms: number) =>
  (b.gte === undefined || ms >= b.gte) && (b.lte === undefined || ms <= b.lte)

/** An `event_name` filter: absent, or one of the documented names. */
function eventNameParam(raw: unknown): WebhookEventName | undefined | Reply {
  if (raw === undefined || raw === null) return undefined
  return isWebhookEventName(raw) ? raw : bad(`Provided value for event_name is not valid`)
}

const isReply = (v: unknown): v is Reply =>
  typeof v === 'object' && v !== null && 'status' in v && 'body' in v

function list(ctx: RouteContext, req: SimRequest): Reply {
  const unknown = unknownParam(req, new Set(['cursor', 'limit', 'enabled_events', 'status']))
  if (unknown !== undefined) return unknown
  const event = eventNameParam(req.query.get('enabled_events') ?? undefined)
  if (isReply(event)) return event
  const status = req.query.get('status')
  if (status !== null && status !== 'ENABLED' && status !== 'DISABLED')
    return bad('Provided value for status is not valid')
  const rows = [...ctx.webhooks.subscriptions.values()].filter(
    (s) =>
      (event === undefined || s.enabledEvents.includes(event)) && (status === null || s.status === status),
  )
  return page(ctx, req, rows, renderSubscription, 200, 100)
}

function create(ctx: RouteContext, req: SimRequest): Reply {
  const fields = readSubscription(req.body, undefined, ctx.webhooks.allowHttp)
  if (isRefusal(fields))
    return v2Problem(
      fields.status,
      fields.status === 400 ? 'Bad request' : 'Unprocessable entity',
      fields.detail,
    )
  return json(201, renderSubscription(ctx.webhooks.create(fields)))
}

function update(ctx: RouteContext, req: SimRequest, id: string): Reply {
  const current = ctx.webhooks.subscriptions.get(id)
  if (current === undefined) return notFound()
  const fields = readSubscription(req.body, current, ctx.webhooks.allowHttp)
  if (isRefusal(fields))
    return v2Problem(
      fields.status,
      fields.status === 400 ? 'Bad request' : 'Unprocessable entity',
      fields.detail,
    )
  return json(200, renderSubscription(ctx.webhooks.update(id, fields) as Subscription))
}

function events(ctx: RouteContext, req: SimRequest, id: string): Reply {
  if (!ctx.webhooks.subscriptions.has(id)) return notFound()
  const unknown = unknownParam(
    req,
    new Set(['cursor', 'limit', 'occurred_at.gte', 'occurred_at.lte', 'event_name']),
  )
  if (unknown !== undefined) return unknown
  const b = bounds((n) => req.query.get(n) ?? undefined, 'occurred_at')
  if (isReply(b)) return b
  const name = eventNameParam(req.query.get('event_name') ?? undefined)
  if (isReply(name)) return name
  const rows = ctx.webhooks
    .eventsOf(id)
    .filter((e) => within(b, e.at) && (name === undefined || e.envelope.event_name === name))
  return page(ctx, req, rows, renderEvent, 200, 100)
}

function activity(ctx: RouteContext, req: SimRequest, id: string): Reply {
  if (!ctx.webhooks.subscriptions.has(id)) return notFound()
  const known = ['cursor', 'limit', 'completed_at.gte', 'completed_at.lte', 'event_name', 'is_delivered']
  const unknown = unknownParam(req, new Set(known))
  if (unknown !== undefined) return unknown
  const b = bounds((n) => req.query.get(n) ?? undefined, 'completed_at')
  if (isReply(b)) return b
  const name = eventNameParam(req.query.get('event_name') ?? undefined)
  if (isReply(name)) return name
  const delivered = req.query.get('is_delivered')
  if (delivered !== null && delivered !== 'true' && delivered !== 'false')
    return bad('Provided value for is_delivered is not valid')
  const rows = ctx.webhooks
    .activityOf(id)
    .filter(
      (d) =>
        within(b, d.completedAt) &&
        (name === undefined || d.event.event_name === name) &&
        (delivered === null || String(d.delivered) === delivered),
    )
  return page(ctx, req, rows, renderActivity, 200, 100)
}

/**
 * Redelivers the recorded events in an `occurred_at` window of the body (at least one bound),
 * optionally of one `event_name`: at most 100 per request, 500 per hour (429 beyond).
 */
function redelivery(ctx: RouteContext, req: SimRequest, id: string): Reply {
  const s = ctx.webhooks.subscriptions.get(id)
  if (s === undefined) return notFound()
  const b = bounds((n) => req.body[n], 'occurred_at')
  if (isReply(b)) return b
  if (b.gte === undefined && b.lte === undefined)
    return bad('At least one of occurred_at.gte or occurred_at.lte must be provided')
  const name = eventNameParam(req.body.event_name)
  if (isReply(name)) return name
  if (s.status !== 'ENABLED') return v2Problem(409, 'Conflict', 'The webhook is disabled: enable it first')
  const chosen = ctx.webhooks
    .eventsOf(id)
    .filter((e) => within(b, e.at) && (name === undefined || e.envelope.event_name === name))
    .slice(0, 100)
  const hourAgo = ctx.company.clock.now() - 3_600_000
  const used = ctx.webhooks.redeliveries
    .filter((r) => r.subscriptionId === id && r.at > hourAgo)
    .reduce((n, r) => n + r.count, 0)
  if (used + chosen.length > 500)
    return v2Problem(429, 'Too many requests', 'At most 500 events are redelivered per hour')
  ctx.webhooks.redeliver(id, chosen)
  return json(200, { _data: chosen.map(renderEvent) })
}

function testEvent(ctx: RouteContext, req: SimRequest, id: string): Reply {
  const s = ctx.webhooks.subscriptions.get(id)
  if (s === undefined) return notFound()
  const raw = req.body.event_name ?? s.enabledEvents[0]
  if (!isWebhookEventName(raw))
    return v2Problem(422, 'Unprocessable entity', `event_name ${String(raw)} is not a webhook event`)
  return json(200, ctx.webhooks.testEvent(id, raw))
}

const ID = '([0-9a-f-]+)'

export const webhookRoutes: Route[] = [
  ['GET', /^\/v2\/webhooks$/, list],
  ['POST', /^\/v2\/webhooks$/, create],
  [
    'GET',
    new RegExp(`^/v2/webhooks/${ID}$`),
    (ctx, _req, [id]) => {
      const s = ctx.webhooks.subscriptions.get(id as string)
      return s === undefined ? notFound() : json(200, renderSubscription(s))
    },
  ],
  ['PATCH', new RegExp(`^/v2/webhooks/${ID}$`), (ctx, req, [id]) => update(ctx, req, id as string)],
  [
    'DELETE',
    new RegExp(`^/v2/webhooks/${ID}$`),
    (ctx, _req, [id]) => (ctx.webhooks.remove(id as string) ? { status: 204, body: undefined } : notFound()),
  ],
  ['GET', new RegExp(`^/v2/webhooks/${ID}/events$`), (ctx, req, [id]) => events(ctx, req, id as string)],
  ['GET', new RegExp(`^/v2/webhooks/${ID}/activity$`), (ctx, req, [id]) => activity(ctx, req, id as string)],
  [
    'POST',
    new RegExp(`^/v2/webhooks/${ID}/redelivery$`),
    (ctx, req, [id]) => redelivery(ctx, req, id as string),
  ],
  [
    'POST',
    new RegExp(`^/v2/webhooks/${ID}/ping$`),
    (ctx, _req, [id]) =>
      ctx.webhooks.subscriptions.has(id as string) ? json(200, ctx.webhooks.ping(id as string)) : notFound(),
  ],
  [
    'POST',
    new RegExp(`^/v2/webhooks/${ID}/test-event$`),
    (ctx, req, [id]) => testEvent(ctx, req, id as string),
  ],
]
