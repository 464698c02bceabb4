// One HTTP exchange with Personio on undici, and the retry loop around it. Knows tokens only as
// opaque strings it attaches; never logs them. Rate limiting happens before every attempt.
import { request, type Dispatcher } from 'undici'
import { AuthError, PersonioHttpError, RateLimitedError, StoppingError } from '../errors'
import { publish } from '../ops/channels'
import type { Logger } from '../ops/logger'
import { badBodyError, httpError } from './error-decode'
import { familyOf } from './rate-families'
import type { RateLimiter } from './rate-limit'
import { nextDelay, type RetryPolicy } from './retry-policy'
import { throwIfStopping } from './stoppable'

export interface TransportOptions {
  baseUrl: string
  appId?: string
  partnerId?: string
  timeoutMs: number
  limiter: RateLimiter
  retry: RetryPolicy
  now: () => number
  sleep: (ms: number) => Promise<void>
  random: () => number
  logger?: Logger
  dispatcher?: Dispatcher
  /** the service is stopping: no new attempt starts, the one in flight is cancelled */
  signal?: AbortSignal
}

export interface Exchange {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** path + query, relative to the base URL */
  target: string
  body?: string
  contentType?: string
  token?: string
}

export interface ExchangeResult {
  json: unknown
  headers: Record<string, string | string[] | undefined>
}

export function createTransport(o: TransportOptions) {
  const base = new URL(o.baseUrl)
  const identity: Record<string, string> = {}
  if (o.appId !== undefined) identity['x-personio-app-id'] = o.appId
  if (o.partnerId !== undefined) identity['x-personio-partner-id'] = o.partnerId

  async function once(x: Exchange, attempt: number): Promise<ExchangeResult> {
    const url = new URL(x.target, base)
    const endpoint = url.pathname
    const family = familyOf(endpoint)
    throwIfStopping(o.signal)
    const grant = await o.limiter.acquire(family)
    throwIfStopping(o.signal)
    const started = o.now()
    let res: Dispatcher.ResponseData
    try {
      res = await request(url, {
        method: x.method,
        dispatcher: o.dispatcher,
        headers: {
          accept: 'application/json',
          ...identity,
          ...(x.contentType === undefined ? {} : { 'content-type': x.contentType }),
          ...(x.token === undefined ? {} : { authorization: `Bearer ${x.token}` }),
        },
        body: x.body,
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
        signal: o.signal,
      })
    } catch (error) {
      throwIfStopping(o.signal)
      // Status 0 = no answer: a metrics reader must still see the attempt.
      publish('personio-kafka:personio:request', {
        endpoint,
        status: 0,
        durationMs: o.now() - started,
        retry: attempt > 1,
      })
      // Connection refused/reset, DNS, timeouts: transient for GETs by nature.
      throw new PersonioHttpError(
        `Personio ${x.method} ${endpoint} did not answer: ${(error as Error).message}`,
        { status: 0, method: x.method, endpoint },
        { cause: error, retriable: x.method === 'GET' },
      )
    }
    const text = await res.body.text().catch(() => '')
    // a body cut by the stop is no empty answer: an empty listing would look like deletes
    throwIfStopping(o.signal)
    o.limiter.answered(grant, res.statusCode, res.headers)
    publish('personio-kafka:personio:request', {
      endpoint,
      status: res.statusCode,
      durationMs: o.now() - started,
      retry: attempt > 1,
    })
    o.logger?.debug(
      { method: x.method, endpoint, status: res.statusCode, ms: o.now() - started },
      'personio request',
    )
    if (res.statusCode >= 400) throw httpError(x.method, endpoint, res.statusCode, res.headers, text, o.now())
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      throw badBodyError(x.method, endpoint, res.statusCode, res.headers, text, 'malformed JSON')
    }
    if (json !== null && typeof json === 'object' && (json as { success?: unknown }).success === false) {
      throw badBodyError(x.method, endpoint, res.statusCode, res.headers, text, 'success:false')
    }
    return { json, headers: res.headers }
  }

  /** Retries what the policy allows; 429s always wait ≥ 1 s (Personio sends no Retry-After). */
  async function exchange(x: Exchange): Promise<ExchangeResult> {
    const first = o.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(x, attempt)
      } catch (error) {
        if (error instanceof StoppingError) throw error
        const retriable = x.method === 'GET' || error instanceof RateLimitedError
        const delay = retriable ? nextDelay(o.retry, attempt, o.now() - first, error, o.random()) : undefined
        if (delay === undefined) {
          if (attempt > 1 && error instanceof Error && !(error instanceof AuthError)) {
            error.message = `${error.message} — gave up after ${attempt} attempts in ${Math.round((o.now() - first) / 1000)} s`
          }
          throw error
        }
        o.logger?.warn(
          {
            endpoint: new URL(x.target, base).pathname,
            attempt,
            delayMs: delay,
            error: (error as Error).message,
          },
          'personio retry',
        )
        await o.sleep(delay)
      }
    }
  }

  return { exchange, base }
}

export type Transport = ReturnType<typeof createTransport>
