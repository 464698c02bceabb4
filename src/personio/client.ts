// The Personio client: verbs (`getJson`, page streams) over an authenticated, rate-limited,
// retrying transport. Knows nothing of Kafka. Typed endpoint access lives in endpoints.ts.
import type { Dispatcher } from 'undici'
import { AuthError, PersonioHttpError } from '../errors'
import type { Logger } from '../ops/logger'
import { v1Issuer, v2Issuer, type Credentials } from './auth/issuers'
import { TokenCache } from './auth/token-cache'
import type { LearnedPace } from './adaptive-pace'
import type { BucketSpec, EndpointFamily, LearnedFamily } from './rate-families'
import { RateLimiter } from './rate-limit'
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy'
import type { SharedBudget } from './shared-budget'
import { stoppable } from './stoppable'
import { createTransport, type Exchange } from './transport'

export interface PersonioClientConfig {
  /** https://api.personio.de (v1 under /v1, v2 under /v2) */
  baseUrl: string
  credentials: Credentials
  /** X-Personio-App-ID, UPPER_SNAKE_CASE */
  appId?: string
  /** X-Personio-Partner-ID, UPPER_SNAKE_CASE */
  partnerId?: string
  timeoutMs?: number
  /** starting figures per endpoint family in place of the documented ones (PERSONIO_RATE_LIMITS) */
  rateLimits?: Partial<Record<EndpointFamily, BucketSpec>>
  /** how high a learned pace may climb (PERSONIO_RATE_CEILINGS) */
  rateCeilings?: Partial<Record<LearnedFamily, number>>
  retry?: Partial<RetryPolicy>
  clock?: { now(): number }
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  logger?: Logger
  /** undici dispatcher (tests use MockAgent) */
  dispatcher?: Dispatcher
  /**
   * Aborted when the service stops: a request in flight, a rate-limit wait and a retry's back-off
   * end at once with a StoppingError instead of holding the shutdown for minutes.
   */
  signal?: AbortSignal
  /**
   * The v1-wide budget shared by every company this process serves (Personio counts it per IP),
   * drawn on as `tenant`, in place of a v1-wide bucket of this client's own.
   */
  sharedV1Budget?: { budget: SharedBudget; tenant: string }
}

export type Api = 'v1' | 'v2'

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/

export function createHttp(config: PersonioClientConfig) {
  for (const [name, value] of [
    ['appId', config.appId],
    ['partnerId', config.partnerId],
  ] as const) {
    if (value !== undefined && !UPPER_SNAKE.test(value))
      throw new AuthError(`${name} must be UPPER_SNAKE_CASE, got ${value}`)
  }
  const now = config.clock === undefined ? Date.now : () => (config.clock as { now(): number }).now()
  const sleep = stoppable(
    config.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    config.signal,
  )
  const limiter = new RateLimiter(
    { now, sleep },
    {
      limits: config.rateLimits,
      ceilings: config.rateCeilings,
      ...(config.sharedV1Budget === undefined
        ? {}
        : { v1Budget: { ...config.sharedV1Budget, signal: config.signal } }),
    },
  )
  const transport = createTransport({
    baseUrl: config.baseUrl,
    appId: config.appId,
    partnerId: config.partnerId,
    timeoutMs: config.timeoutMs ?? 30_000,
    limiter,
    retry: { ...defaultRetryPolicy, ...config.retry },
    now,
    sleep,
    random: config.random ?? Math.random,
    logger: config.logger,
    dispatcher: config.dispatcher,
    signal: config.signal,
  })

  const post = async (path: string, body: string, contentType: string) => {
    try {
      return (await transport.exchange({ method: 'POST', target: path, body, contentType })).json
    } catch (error) {
      if (error instanceof PersonioHttpError && error.status >= 400 && error.status < 500) {
        throw new AuthError(
          `Personio refused the credentials at ${path} (${error.status} ${error.personioMessage ?? ''}). ` +
            'Check PERSONIO_CLIENT_ID / PERSONIO_CLIENT_SECRET and that the credential is active.',
          error.status,
          { cause: error },
        )
      }
      throw error
    }
  }
  const tokens: Record<Api, TokenCache> = {
    v1: new TokenCache(v1Issuer(post, config.credentials), now),
    v2: new TokenCache(v2Issuer(post, config.credentials), now),
  }

  // Personio's clock, as its responses state it (`Date`, whole seconds): how far it is ahead of
  // ours. A cursor must never pass the moment a listing started by Personio's clock, and ours may
  // be wrong. Latest answer wins: clocks drift.
  let skewMs: number | undefined
  const observeDate = (header: string | string[] | undefined, receivedAt: number) => {
    const at = typeof header === 'string' ? Date.parse(header) : Number.NaN
    if (Number.isFinite(at)) skewMs = at - receivedAt
  }
  /**
   * Marks now; the returned function tells what Personio's clock said at that mark, as far as
   * responses have told (undefined while no response carried a `Date`). The `Date` header
   * truncates to the second, so the answer can be up to a second early: early is safe for a cursor.
   */
  function markPersonioTime(): () => number | undefined {
    const local = now()
    // the skew known at the mark, or else the first one learned after it: never a later answer,
    // which a clock stepping (or a simulated one advancing) would move past the mark
    let at = skewMs === undefined ? undefined : local + skewMs
    return () => {
      if (at === undefined && skewMs !== undefined) at = local + skewMs
      return at
    }
  }

  /** An authenticated GET; a 401 drops the token and retries once with a fresh one. */
  async function getJson(target: string): Promise<unknown> {
    const api: Api = target.startsWith('/v2/') ? 'v2' : 'v1'
    for (let refreshed = false; ; refreshed = true) {
      const token = await tokens[api].get()
      try {
        const x: Exchange = { method: 'GET', target, token }
        const { json, headers } = await transport.exchange(x)
        observeDate(headers.date, now())
        const rotated = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1]
        if (rotated !== undefined && rotated !== token) tokens[api].rotate(rotated)
        return json
      } catch (error) {
        if (error instanceof PersonioHttpError && error.status === 401 && !refreshed) {
          tokens[api].invalidate(token)
          continue
        }
        throw error
      }
    }
  }

  /**
   * An authenticated v2 request with a JSON body (the webhook subscriptions API, personio/webhooks.ts);
   * a 401 drops the token and retries once. Not retried otherwise but on 429: a write is not idempotent.
   */
  async function sendJson(
    method: 'POST' | 'PATCH' | 'DELETE',
    target: string,
    body?: unknown,
  ): Promise<unknown> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await tokens.v2.get()
      try {
        const x: Exchange = {
          method,
          target,
          token,
          ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
        }
        return (await transport.exchange(x)).json
      } catch (error) {
        if (error instanceof PersonioHttpError && error.status === 401 && !refreshed) {
          tokens.v2.invalidate(token)
          continue
        }
        throw error
      }
    }
  }

  /**
   * Obtains a token for `api` (a preflight: refused credentials are said once, before anything is
   * created in Kafka). The token is kept for the requests that follow, so this costs no extra call.
   */
  async function authenticate(api: Api): Promise<void> {
    await tokens[api].get()
  }

  /** The paces learned so far, and where an earlier run left them (kept by capture in the state topic). */
  const rateLimits = {
    learned: (): Partial<Record<LearnedFamily, LearnedPace>> => limiter.learned(),
    startOf: (family: LearnedFamily): LearnedPace => limiter.startOf(family),
    restore: (learned: Partial<Record<LearnedFamily, LearnedPace>>): void => limiter.restore(learned),
  }

  return { getJson, sendJson, base: transport.base, markPersonioTime, authenticate, rateLimits }
}

export type PersonioHttp = ReturnType<typeof createHttp>
