// The webhook receiver inside `run`: Personio POSTs each event here. A delivery is acknowledged
// (202) only once it is durable in the inbox topic, so a crash after the 2xx loses nothing and a
// crash before it lets Personio deliver again (it retries a timeout or a 5xx). It takes a delivery
// only with the exact token (compared in constant time; the token is never logged), and refuses
// malformed or oversized bodies with 400 and 413, which Personio does not retry; an id that is not
// Personio's (a number or a UUID) is malformed: it would end up in the path of an authenticated read.
// One receiver serves one path (a single company), or many: then each request's path is looked up
// as it arrives (`route`), each path with its own token and inbox, and an unknown path is a 404.
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { publish, type ChannelMessages } from '../ops/channels'
import { crashPoint } from '../ops/crash-points'
import { inEngine } from '../ops/engine-scope'
import { entityIdProblem, parseEnvelope, type WebhookEvent } from './envelope'

export interface InboxWriter {
  /** resolves once the broker has the delivery with acks=all */
  write(event: WebhookEvent, body: Buffer): Promise<void>
}

/** Where the deliveries to one path go: the token they must carry and the inbox they are written to. */
export interface Route {
  token: string
  inbox: InboxWriter
  /** whose path it is, when one receiver serves several companies: named on refusals; its deliveries are handled in its engine's scope */
  company?: string
}

/** One path, one token, one inbox: the receiver of a single company. */
export interface SingleRoute {
  /** the path Personio posts to (the public URL's path) */
  path: string
  token: string
  inbox: InboxWriter
}

/** Many paths: each request's route looked up as it arrives, so routes may come and go; undefined → 404. */
export interface Routes {
  route(path: string): Route | undefined
}

export type ReceiverOptions = {
  /** 0 picks a free port (tests) */
  port: number
  host?: string
  /** bodies above this are refused with 413 */
  maxBodyBytes: number
  /** Personio waits 3 s for the answer: a slower inbox write answers 503, and Personio retries */
  writeTimeoutMs: number
  tls?: { certFile: string; keyFile: string }
  /** told of each refused delivery (never with the token), and whose path it was sent to */
  onRefused?: (status: number, why: string, company?: string) => void
} & (SingleRoute | Routes)

export interface Receiver {
  /** where it answers: with the path of a single route, the bare origin when it routes many */
  url: string
  close(): Promise<void>
}

export type DeliveryOutcome = ChannelMessages['personio-kafka:webhooks:delivery']['outcome']

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest()

/** Constant-time in the token's content and length: both sides are hashed to the same size first. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false
  return timingSafeEqual(digest(expected), digest(given))
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new TooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        req.removeAllListeners('data')
        req.resume() // drain what is left, so the 413 reaches the sender
        reject(new TooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', reject)
  })
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(`${JSON.stringify(body)}\n`)
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the inbox write took longer than ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** The route of a request's path: the single one on its own path only, or the lookup's. */
function routeOf(o: ReceiverOptions, path: string): Route | undefined {
  if ('route' in o) return o.route(path)
  return path === o.path ? { token: o.token, inbox: o.inbox } : undefined
}

async function deliver(
  o: ReceiverOptions,
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<DeliveryOutcome | undefined> {
  const refused = (status: number, why: string) => o.onRefused?.(status, why, route.company)
  if (req.method !== 'POST') {
    answer(res, 405, { error: 'POST only' })
    return undefined
  }
  const authorization = req.headers.authorization
  if (!tokenMatches(route.token, typeof authorization === 'string' ? authorization : undefined)) {
    req.resume()
    answer(res, 401, { error: 'unauthorized' })
    refused(401, authorization === undefined ? 'no Authorization header' : 'wrong token')
    return 'unauthorized'
  }
  let body: Buffer
  try {
    body = await readBody(req, o.maxBodyBytes)
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error
    answer(res, 413, { error: `body larger than ${o.maxBodyBytes} bytes` })
    refused(413, `body larger than ${o.maxBodyBytes} bytes`)
    return 'too-large'
  }
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    answer(res, 400, { error: 'the body is not JSON' })
    refused(400, 'the body is not JSON')
    return 'malformed'
  }
  // Personio's ping carries no entity: acknowledged, nothing to capture
  if ((json as { event_name?: unknown } | null)?.event_name === 'ping') {
    answer(res, 200, { status: 'pong' })
    return 'ping'
  }
  const parsed = parseEnvelope(json)
  const problem = 'problem' in parsed ? parsed.problem : entityIdProblem(parsed.event)
  if (problem !== undefined || !('event' in parsed)) {
    answer(res, 400, { error: problem })
    refused(400, problem ?? 'malformed')
    return 'malformed'
  }
  try {
    await withTimeout(route.inbox.write(parsed.event, body), o.writeTimeoutMs)
  } catch (error) {
    // not durable: Personio delivers it again (a 5xx other than 501 is retried)
    answer(res, 503, { error: 'not stored; deliver again' })
    refused(503, `the inbox write failed: ${(error as Error).message}`)
    return 'unavailable'
  }
  // the answer has left once the response finished: a crash from then on must lose nothing
  res.once('finish', () => crashPoint('webhook-after-ack'))
  answer(res, 202, { status: 'accepted' })
  return 'accepted'
}

/**
 * A request on its route. A company's delivery is handled in its engine's scope (engines are
 * companies: ops/engine-scope.ts), so the delivery message, its metric and the lines logged of it
 * name the company, whichever process's receiver took it.
 */
function handle(o: ReceiverOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = routeOf(o, new URL(req.url ?? '/', 'http://receiver').pathname)
  if (route === undefined) {
    answer(res, 404, { error: 'not found' })
    return Promise.resolve()
  }
  const work = async () => {
    const outcome = await deliver(o, route, req, res)
    if (outcome !== undefined) publish('personio-kafka:webhooks:delivery', { outcome })
  }
  return route.company === undefined ? work() : inEngine(route.company, work)
}

export function startReceiver(o: ReceiverOptions): Promise<Receiver> {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve()
      .then(() => handle(o, req, res))
      .catch((error: unknown) => {
        answer(res, 500, { error: (error as Error).message })
      })
  }
  const server: Server =
    o.tls === undefined
      ? createHttpServer(listener)
      : createHttpsServer({ cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) }, listener)
  // The receiver faces the internet: slow or idle senders are cut, and a failed accept (too many
  // open files) is logged, never an uncaught error that would end the process.
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  server.keepAliveTimeout = 5_000
  server.maxConnections = 512
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.host ?? '0.0.0.0', () => {
      server.off('error', reject)
      server.on('error', (error) => o.onRefused?.(0, `the receiver's socket failed: ${error.message}`))
      const { port } = server.address() as AddressInfo
      const host = o.host === undefined || o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host
      resolve({
        url: `${o.tls === undefined ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${port}${'path' in o ? o.path : ''}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections()
            server.close((error) => (error === undefined ? done() : fail(error)))
          }),
      })
    })
  })
}
