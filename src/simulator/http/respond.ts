// Response helpers, one per Personio error family, so each endpoint fails the way Personio does.
import type { ServerResponse } from 'node:http'
import { randomUUID } from 'node:crypto'

export interface Reply {
  status: number
  body: unknown
  headers?: Record<string, string>
  contentType?: string
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body,
  headers,
})

/** v1 default: `{success:false, error:{code, message}}`; `code` is sometimes the status, sometimes 0. */
export const v1Error = (status: number, message: string, code: number = status): Reply =>
  json(status, { success: false, error: { code, message } })

/** v1 projects-style error: `{success:false, message}`. */
export const v1MessageError = (status: number, message: string): Reply =>
  json(status, { success: false, message })

const TYPES: Record<number, string> = {
  400: 'common.bad_request',
  401: 'common.unauthorized',
  404: 'common.resource_not_found',
  429: 'common.too_many_requests',
  500: 'common.internal_server_error',
  502: 'common.bad_gateway',
  503: 'common.service_unavailable',
  504: 'common.gateway_timeout',
}

export const v2Problem = (status: number, title: string, detail: string): Reply => ({
  status,
  contentType: 'application/problem+json',
  body: {
    personio_trace_id: randomUUID(),
    timestamp: new Date().toISOString(),
    errors: [
      {
        title,
        detail,
        type: `https://developer.personio.de/reference/errors#${TYPES[status] ?? 'common.bad_request'}`,
        _meta: {},
      },
    ],
  },
})

/** Custom-report endpoints: a JSON array of error objects. */
export const reportError = (status: number, title: string, details: string): Reply =>
  json(status, [
    {
      status,
      trace_id: randomUUID(),
      timestamp: new Date().toISOString(),
      errors: [{ title, details, type: 'about:blank', _meta: [] }],
    },
  ])

export const oauthError = (status: number, error: string, description: string): Reply => ({
  status,
  contentType: 'application/problem+json',
  body: {
    error,
    error_description: description,
    error_uri: null,
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    meta: null,
  },
})

export function send(res: ServerResponse, reply: Reply, malformed = false): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body)
  // A truncated body (fault injection) is what a proxy cutting the connection short looks like.
  const payload = malformed ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  })
  res.end(payload)
}
