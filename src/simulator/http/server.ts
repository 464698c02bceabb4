// The HTTP front of the simulator: parse, log, rate-limit, inject faults, authenticate, route.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { CollectionName, Company } from '../state/company'
import type { WebhookHub } from '../webhooks/hub'
import { TokenStore, type Credential } from './auth'
import { v1Auth, v2Revoke, v2Token } from './auth-routes'
import type { RouteContext, SimRequest } from './context'
import { control } from './control-routes'
import type { FaultInjector } from './faults'
import { RateLimiter } from './rate-limit'
import { send, v1Error, v1MessageError, v2Problem, type Reply } from './respond'
import { v1Routes, type Route } from './v1-routes'
import { v2Routes } from './v2-routes'
import { webhookRoutes } from './webhook-routes'

export interface RequestLogEntry {
  method: string
  path: string
  query: string
  status: number
  at: number
}

export interface ServerDeps {
  company: Company
  tokens: TokenStore
  credentials: Credential[]
  /** with no buckets at all when started without rate limits: hidden ones may still be set */
  limiter: RateLimiter
  faults: FaultInjector
  absoluteNextLinks: boolean
  employeesMaxLimit: number
  /** how naive v1 filter date-times are read (undocumented by Personio: §5) */
  naiveZone: 'Europe/Berlin' | 'UTC'
  forbidQueryCredentials: boolean
  retryAfterOn429: boolean
  log: RequestLogEntry[]
  counts: Map<string, number>
  webhooks: WebhookHub
}

// v1 attendances and attendance projects are not served: Personio removed them on 2026-08-30
// (src/resources/index.ts absentResources), so they answer 404 like any unknown route.
const routes: Route[] = [...v1Routes, ...v2Routes, ...webhookRoutes]

/** Which token bucket a path draws from. */
export function familyOf(method: string, path: string): string {
  if (path === '/v1/auth') return 'v1-auth'
  if (path.startsWith('/v2/auth/')) return 'v2-auth'
  if (/^\/v1\/company\/employees\/[^/]+\/absences\/balance$/.test(path)) return 'balances'
  if (path === '/v1/company/employees' || path.startsWith('/v1/company/employees/')) return 'employees'
  if (path.startsWith('/v2/attendance-periods') || path.startsWith('/v2/absence-periods')) return 'v2-periods'
  if (path.startsWith('/v2/persons')) return 'v2-persons'
  return path.startsWith('/v2/') ? 'v2' : method === 'GET' ? 'v1' : 'v1'
}

async function readBody(req: IncomingMessage): Promise<{ body: Record<string, unknown>; form: boolean }> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  const type = req.headers['content-type'] ?? ''
  if (text === '') return { body: {}, form: type.includes('x-www-form-urlencoded') }
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text)
      return {
        body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {},
        form: false,
      }
    } catch {
      return { body: {}, form: false }
    }
  }
  return { body: Object.fromEntries(new URLSearchParams(text)), form: type.includes('x-www-form-urlencoded') }
}

function errorFor(
  path: string,
  status: number,
  german: boolean,
  codeZero: boolean,
  messageOnly: boolean,
): Reply {
  if (path.startsWith('/v2/')) return v2Problem(status, 'Server error', 'The upstream service failed')
  if (messageOnly) return v1MessageError(status, german ? 'Projekt nicht gefunden' : 'Project not found')
  const message = german ? 'Es ist ein Problem aufgetreten' : 'Something went wrong'
  return v1Error(status, message, codeZero ? 0 : status)
}

export function createSimulatorServer(deps: ServerDeps): Server {
  const count = (key: string) => deps.counts.set(key, (deps.counts.get(key) ?? 0) + 1)

  async function handle(
    req: IncomingMessage,
    baseUrl: string,
  ): Promise<{ reply: Reply; malformed: boolean; delayMs: number }> {
    const url = new URL(req.url ?? '/', baseUrl)
    const method = req.method ?? 'GET'
    const path = url.pathname
    const { body, form } = await readBody(req)
    const simReq: SimRequest = {
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawQueryCredentials: url.searchParams.has('client_secret'),
    }
    if (path.startsWith('/_sim/')) {
      const counters = () => Object.fromEntries(deps.counts)
      const setWhitelist = (clientId: string, whitelist: string[] | undefined) => {
        const c = deps.credentials.find((x) => x.clientId === clientId)
        if (c !== undefined) c.whitelist = whitelist
        return c !== undefined
      }
      return {
        reply: control(
          {
            company: deps.company,
            faults: deps.faults,
            counters,
            setWhitelist,
            webhooks: deps.webhooks,
            limiter: deps.limiter,
          },
          method,
          path,
          body,
        ),
        malformed: false,
        delayMs: 0,
      }
    }
    const family = familyOf(method, path)
    const limit = deps.limiter.take(family)
    const withLimitHeaders = (reply: Reply): Reply => ({
      ...reply,
      headers: { ...limit.headers, ...reply.headers },
    })
    if (!limit.allowed) {
      count('429')
      const reply = withLimitHeaders(
        path.startsWith('/v2/')
          ? v2Problem(429, 'Too many requests', 'Rate limit exceeded')
          : v1Error(429, 'Too Many Requests'),
      )
      if (deps.retryAfterOn429) reply.headers = { ...reply.headers, 'retry-after': '1' }
      return { reply, malformed: false, delayMs: 0 }
    }
    const fault = deps.faults.match(path, url.search)
    const delayMs = fault?.delayMs ?? 0
    if (fault?.empty === true) {
      const limitParam = Number(url.searchParams.get('limit') ?? 50)
      const empty = path.startsWith('/v2/')
        ? { _data: [], _meta: { links: { self: { href: `${path}${url.search}` } } } }
        : {
            success: true,
            metadata: { total_elements: 0, current_page: 0, total_pages: 0 },
            offset: 0,
            limit: limitParam,
            data: [],
          }
      return { reply: withLimitHeaders({ status: 200, body: empty }), malformed: false, delayMs }
    }
    if (fault?.status !== undefined) {
      return {
        reply: withLimitHeaders(
          errorFor(
            path,
            fault.status,
            fault.german === true,
            fault.codeZero === true,
            fault.messageOnly === true,
          ),
        ),
        malformed: false,
        delayMs,
      }
    }
    if (method === 'POST' && path === '/v1/auth')
      return {
        reply: withLimitHeaders(v1Auth(deps.tokens, simReq, deps.forbidQueryCredentials)),
        malformed: false,
        delayMs,
      }
    if (method === 'POST' && path === '/v2/auth/token')
      return { reply: withLimitHeaders(v2Token(deps.tokens, simReq, form)), malformed: false, delayMs }
    if (method === 'POST' && path === '/v2/auth/revoke')
      return { reply: withLimitHeaders(v2Revoke(deps.tokens, simReq)), malformed: false, delayMs }

    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1]
    const auth = deps.tokens.check(bearer)
    if (!auth.ok) {
      const reply = path.startsWith('/v2/')
        ? v2Problem(401, 'Unauthorized', auth.message)
        : v1Error(auth.status, auth.message)
      return { reply: withLimitHeaders(reply), malformed: false, delayMs }
    }
    for (const [routeMethod, pattern, handler] of routes) {
      const m = routeMethod === method ? pattern.exec(path) : null
      if (m === null) continue
      const ctx: RouteContext = {
        company: deps.company,
        credential: auth.credential,
        baseUrl,
        absoluteNextLinks: deps.absoluteNextLinks,
        employeesMaxLimit: deps.employeesMaxLimit,
        naiveZone: deps.naiveZone,
        webhooks: deps.webhooks,
      }
      const reply = withLimitHeaders(handler(ctx, simReq, m.slice(1)))
      const remove = fault?.removeAfter
      // The record goes once this answer is built: the reader's next page sees the listing without it.
      if (remove !== undefined && reply.status < 400)
        deps.company.remove(remove.collection as CollectionName, remove.id as never)
      if (reply.status < 400) fault?.then?.()
      // Personio echoes the (possibly rotated) token on successful Personnel Data responses.
      if (reply.status < 400) reply.headers = { ...reply.headers, authorization: `Bearer ${auth.next}` }
      return { reply, malformed: fault?.malformed === true, delayMs }
    }
    return {
      reply: withLimitHeaders(
        path.startsWith('/v2/')
          ? v2Problem(404, 'Not found', `No route ${path}`)
          : v1Error(404, `No route ${method} ${path}`),
      ),
      malformed: false,
      delayMs,
    }
  }

  const server = createServer((req, res) => {
    const address = server.address()
    const baseUrl =
      typeof address === 'object' && address !== null
        ? `http://${address.address}:${address.port}`
        : 'http://127.0.0.1'
    handle(req, baseUrl)
      .then(async ({ reply, malformed, delayMs }) => {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
        const url = new URL(req.url ?? '/', baseUrl)
        if (!url.pathname.startsWith('/_sim/')) {
          deps.log.push({
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.search,
            status: reply.status,
            at: Date.now(),
          })
          count(`${familyOf(req.method ?? 'GET', url.pathname)} ${reply.status}`)
          count('requests')
        }
        // Personio's clock, as every HTTP server states it: the simulated one, not this machine's.
        reply.headers = { date: new Date(deps.company.clock.latest()).toUTCString(), ...reply.headers }
        if (!res.destroyed) send(res, reply, malformed)
      })
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, v1Error(500, `simulator bug: ${(error as Error).message}`))
      })
  })
  return server
}
