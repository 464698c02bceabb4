// The webhook receiver inside `run`: Personio POSTs each event here. A delivery is acknowledged
// (202) only once it is durable in the inbox topic, so a crash after the 2xx loses nothing and a
// crash before it lets Personio deliver again (it retries a timeout or a 5xx). It takes a delivery
// only with the exact token (compared in constant time; the token is never logged), and refuses
// malformed or oversized bodies with 400 and 413, which Personio does not retry; an id that is not
// Personio's (a number or a UUID) is malformed: it would end up in the path of an authenticated read.
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
import { entityIdProblem, parseEnvelope, type WebhookEvent } from './envelope'

export interface InboxWriter {
  /** resolves once the broker has the delivery with acks=all */
  write(event: WebhookEvent, body: Buffer): Promise<void>
}

export interface ReceiverOptions {
  /** 0 picks a free port (tests) */
  port: number
  host?: string
  /** the path Personio posts to (the public URL's path) */
  path: string
  token: string
  /** bodies above this are refused with 413 */
  maxBodyBytes: number
  /** Personio waits 3 s for the answer: a slower inbox write answers 503, and Personio retries */
  writeTimeoutMs: number
  tls?: { certFile: string; keyFile: string }
  inbox: InboxWriter
  /** told of each refused delivery (never with the token) */
  onRefused?: (status: number, why: string) => void
}

export interface Receiver {
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

async function handle(
  o: ReceiverOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<DeliveryOutcome | undefined> {
  const path = new URL(req.url ?? '/', 'http://receiver').pathname
  if (path !== o.path) {
    answer(res, 404, { error: 'not found' })
    return undefined
  }
  if (req.method !== 'POST') {
    answer(res, 405, { error: 'POST only' })
    return undefined
  }
  const authorization = req.headers.authorization
  if (!tokenMatches(o.token, typeof authorization === 'string' ? authorization : undefined)) {
    req.resume()
    answer(res, 401, { error: 'unauthorized' })
    o.onRefused?.(401, authorization === undefined ? 'no Authorization header' : 'wrong token')
    return 'unauthorized'
  }
  let body: Buffer
  try {
    body = await readBody(req, o.maxBodyBytes)
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error
    answer(res, 413, { error: `body larger than ${o.maxBodyBytes} bytes` })
    o.onRefused?.(413, `body larger than ${o.maxBodyBytes} bytes`)
    return 'too-large'
  }
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    answer(res, 400, { error: 'the body is not JSON' })
    o.onRefused?.(400, 'the body is not JSON')
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
    o.onRefused?.(400, problem ?? 'malformed')
    return 'malformed'
  }
  try {
    await withTimeout(o.inbox.write(parsed.event, body), o.writeTimeoutMs)
  } catch (error) {
    // not durable: Personio delivers it again (a 5xx other than 501 is retried)
    answer(res, 503, { error: 'not stored; deliver again' })
    o.onRefused?.(503, `the inbox write failed: ${(error as Error).message}`)
    return 'unavailable'
  }
  // the answer has left once the response finished: a crash from then on must lose nothing
  res.once('finish', () => crashPoint('webhook-after-ack'))
  answer(res, 202, { status: 'accepted' })
  return 'accepted'
}

export function startReceiver(o: ReceiverOptions): Promise<Receiver> {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(o, req, res).then(
      (outcome) => {
        if (outcome !== undefined) publish('personio-kafka:webhooks:delivery', { outcome })
      },
      (error: unknown) => {
        answer(res, 500, { error: (error as Error).message })
      },
    )
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
        url: `${o.tls === undefined ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${port}${o.path}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections()
            server.close((error) => (error === undefined ? done() : fail(error)))
          }),
      })
    })
  })
}
