// A webhook subscription as `/v2/webhooks` takes and returns it, and the checks Personio makes on
// a create or an update (personio-api.md §7.8 and the reference pages it cites): an HTTPS `url`
// and a `description` required, `status` defaulting to DISABLED, `auth_type` NONE | TOKEN
// (default) | CUSTOM, the `token` sent verbatim as the Authorization header, `custom_headers` a map
// of at most 3 headers, only with CUSTOM, none named like a transport header, `enabled_events`
// required and each a documented event name.
//
// Which status a broken body gets is not documented beyond "400, 422": here a body of the wrong
// shape (a required field missing, a value of the wrong JSON type) is 400, and a well-formed body
// Personio cannot use (a URL that is not https, an unknown event, an unknown enum value, a reserved
// or fourth header, a TOKEN subscription without a token) is 422.
import { isWebhookEventName, type WebhookEventName } from './events'

export type SubscriptionStatus = 'ENABLED' | 'DISABLED'
export type AuthType = 'NONE' | 'TOKEN' | 'CUSTOM'

export interface Subscription {
  id: string
  url: string
  description: string
  status: SubscriptionStatus
  authType: AuthType
  token: string | null
  customHeaders: Record<string, string>
  enabledEvents: WebhookEventName[]
  createdAt: number
  updatedAt: number
}

export type SubscriptionFields = Omit<Subscription, 'id' | 'createdAt' | 'updatedAt'>

export type Refusal = { status: 400 | 422; detail: string }

/** Header names a subscription may not set (case-insensitive; also refused as a prefix). */
const RESERVED_HEADERS = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'content-type',
]

const isString = (v: unknown): v is string => typeof v === 'string'

function checkUrl(raw: string, allowHttp: boolean): Refusal | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { status: 422, detail: `url ${raw} is not a valid URL` }
  }
  if (url.hostname === '') return { status: 422, detail: `url ${raw} has no host name` }
  if (url.protocol === 'https:' || (allowHttp && url.protocol === 'http:')) return undefined
  return { status: 422, detail: `url must be an HTTPS endpoint, got ${url.protocol.replace(':', '')}` }
}

/**
 * The fields of a create (`current` undefined: defaults applied, required fields checked) or of an
 * update merged over `current`; a Refusal when Personio would refuse the body.
 */
export function readSubscription(
  body: Record<string, unknown>,
  current: SubscriptionFields | undefined,
  allowHttp: boolean,
): SubscriptionFields | Refusal {
  const creating = current === undefined
  for (const name of ['url', 'description'] as const) {
    const v = body[name]
    if ((creating && v === undefined) || (v !== undefined && (!isString(v) || v.trim() === '')))
      return { status: 400, detail: `${name} is required and must be a non-empty string` }
  }
  const events = body.enabled_events
  if ((creating && events === undefined) || (events !== undefined && !Array.isArray(events)))
    return { status: 400, detail: 'enabled_events is required and must be an array of event names' }
  for (const name of ['status', 'auth_type', 'token'] as const) {
    if (body[name] !== undefined && body[name] !== null && !isString(body[name]))
      return { status: 400, detail: `${name} must be a string` }
  }
  const headers = body.custom_headers
  if (
    headers !== undefined &&
    headers !== null &&
    (typeof headers !== 'object' || Array.isArray(headers) || !Object.values(headers).every(isString))
  )
    return { status: 400, detail: 'custom_headers must be a map of header names to string values' }

  const next: SubscriptionFields = {
    url: (body.url as string | undefined) ?? current?.url ?? '',
    description: (body.description as string | undefined) ?? current?.description ?? '',
    status: ((body.status as string | undefined) ?? current?.status ?? 'DISABLED') as SubscriptionStatus,
    authType: ((body.auth_type as string | undefined) ?? current?.authType ?? 'TOKEN') as AuthType,
    token: body.token === undefined ? (current?.token ?? null) : ((body.token as string | null) ?? null),
    customHeaders:
      headers === undefined
        ? (current?.customHeaders ?? {})
        : { ...((headers as Record<string, string> | null) ?? {}) },
    enabledEvents: (events as WebhookEventName[] | undefined) ?? current?.enabledEvents ?? [],
  }
  const url = body.url === undefined ? undefined : checkUrl(next.url, allowHttp)
  if (url !== undefined) return url
  if (next.status !== 'ENABLED' && next.status !== 'DISABLED')
    return { status: 422, detail: `status must be ENABLED or DISABLED, got ${next.status}` }
  if (!['NONE', 'TOKEN', 'CUSTOM'].includes(next.authType))
    return { status: 422, detail: `auth_type must be NONE, TOKEN or CUSTOM, got ${next.authType}` }
  if (next.enabledEvents.length === 0)
    return { status: 422, detail: 'enabled_events must name at least one event' }
  const unknown = next.enabledEvents.filter((e) => !isWebhookEventName(e))
  if (unknown.length > 0)
    return { status: 422, detail: `enabled_events has unknown events: ${unknown.map(String).join(', ')}` }
  next.enabledEvents = [...new Set(next.enabledEvents)]
  if (next.authType === 'TOKEN' && (next.token === null || next.token === ''))
    return { status: 422, detail: 'auth_type TOKEN needs a token (sent as the Authorization header)' }
  const names = Object.keys(next.customHeaders)
  if (names.length > 0 && next.authType !== 'CUSTOM')
    return { status: 422, detail: 'custom_headers are only allowed with auth_type CUSTOM' }
  if (names.length > 3) return { status: 422, detail: 'custom_headers may hold at most 3 headers' }
  const reserved = names.filter((n) => RESERVED_HEADERS.some((r) => n.toLowerCase().startsWith(r)))
  if (reserved.length > 0)
    return {
      status: 422,
      detail: `custom_headers may not set ${reserved.join(', ')} (reserved header names)`,
    }
  if (names.some((n) => !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(n)))
    return { status: 422, detail: 'custom_headers names must be HTTP header names' }
  return next
}

export const isRefusal = (v: SubscriptionFields | Refusal): v is Refusal => 'detail' in v

/** The headers a delivery carries for this subscription's auth_type. */
export function deliveryHeaders(s: Subscription): Record<string, string> {
  if (s.authType === 'TOKEN' && s.token !== null) return { authorization: s.token }
  if (s.authType === 'CUSTOM') return { ...s.customHeaders }
  return {}
}
