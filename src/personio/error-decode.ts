// Every error envelope Personio uses → one typed PersonioHttpError with status, endpoint,
// Personio's message and trace id. Pure: it sees only the status, headers and body text.
import { PersonioHttpError, RateLimitedError } from '../errors'

type Headers = Record<string, string | string[] | undefined>

interface Decoded {
  message?: string
  traceId?: string
  code?: string
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** Reads whichever envelope the body is in; unknown shapes give an empty result. */
export function readErrorEnvelope(body: unknown): Decoded {
  if (Array.isArray(body)) {
    // custom reports: [{status, trace_id, errors:[{title, details}]}]
    const first = body[0] as
      { trace_id?: unknown; errors?: { title?: unknown; details?: unknown }[] } | undefined
    const e = first?.errors?.[0]
    return {
      message: [str(e?.title), str(e?.details)].filter(Boolean).join(': ') || undefined,
      traceId: str(first?.trace_id),
    }
  }
  if (body === null || typeof body !== 'object') return {}
  const b = body as Record<string, unknown>
  if (Array.isArray(b.errors)) {
    // v2 problem+json: {personio_trace_id, errors:[{title, detail, type}]}
    const e = b.errors[0] as { title?: unknown; detail?: unknown; type?: unknown } | undefined
    return {
      message: [str(e?.title), str(e?.detail)].filter(Boolean).join(': ') || undefined,
      traceId: str(b.personio_trace_id) ?? str(b.trace_id),
      code: str(e?.type)?.split('#')[1],
    }
  }
  if (typeof b.error === 'string') {
    // OAuth: {error, error_description, trace_id}
    return { message: str(b.error_description) ?? b.error, traceId: str(b.trace_id), code: b.error }
  }
  if (b.error !== null && typeof b.error === 'object') {
    // v1: {success:false, error:{code, message}}; code may be 0, message may be German
    const e = b.error as { code?: unknown; message?: unknown }
    return { message: str(e.message), code: e.code === undefined ? undefined : String(e.code) }
  }
  // v1 projects: {success:false, message}
  return { message: str(b.message) }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function flatHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k === 'authorization' || k === 'set-cookie') continue // never keep tokens
    out[k] = Array.isArray(v) ? v.join(', ') : v
  }
  return out
}

/** Retry-After in ms (seconds or an HTTP date), when sent. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const raw = headers['retry-after']
  const v = Array.isArray(raw) ? raw[0] : raw
  if (v === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

export function httpError(
  method: string,
  endpoint: string,
  status: number,
  headers: Headers,
  text: string,
  now: number,
): Error {
  if (status === 429) return new RateLimitedError(endpoint, retryAfterMs(headers, now) ?? 1000)
  const d = readErrorEnvelope(parse(text))
  const what = d.message === undefined ? `HTTP ${status}` : `${status} ${d.message}`
  const hint =
    status === 401 || status === 403
      ? ' (check the credential and its permissions in Personio: Settings → Integrations → API credentials)'
      : status === 400 && d.message?.toLowerCase().includes('unauthorized')
        ? ' (Personio reports a missing permission as 400 on some v2 endpoints)'
        : ''
  return new PersonioHttpError(
    `Personio ${method} ${endpoint} failed: ${what}${d.traceId === undefined ? '' : ` [trace ${d.traceId}]`}${hint}`,
    {
      status,
      method,
      endpoint,
      personioMessage: d.message,
      traceId: d.traceId,
      personioCode: d.code,
      headers: flatHeaders(headers),
      bodyExcerpt: text.slice(0, 500),
    },
    { retriable: status >= 500 && status !== 501 },
  )
}

/** A 2xx whose body is not the JSON Personio promised (truncated, HTML from a proxy, success:false). */
export function badBodyError(
  method: string,
  endpoint: string,
  status: number,
  headers: Headers,
  text: string,
  why: string,
): Error {
  return new PersonioHttpError(
    `Personio ${method} ${endpoint} returned ${status} with ${why}`,
    { status, method, endpoint, headers: flatHeaders(headers), bodyExcerpt: text.slice(0, 500) },
    // A truncated body is usually a connection cut short: worth another try.
    { retriable: why.startsWith('malformed') },
  )
}
