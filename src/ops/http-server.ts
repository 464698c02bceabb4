// The ops endpoint: `/metrics` (Prometheus text), `/healthz` (the process answers) and `/readyz`
// (state restored, Kafka and the registry reachable). node:http is enough for three GET routes,
// and keeps the server independent of whatever HTTP stack the rest of the product uses.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'

/** `details`: what a worker of a group adds (its assignment, each company's phase), in both answers */
export type ReadinessReport =
  { ready: true; details?: unknown } | { ready: false; reasons: string[]; details?: unknown }

export interface OpsServerOptions {
  /** 0 picks a free port (tests); `url` says which one was taken */
  port: number
  host?: string
  registry: Registry
  /** Called on every /readyz; must not throw (a throw is reported as not ready). */
  readiness: () => Promise<ReadinessReport>
}

export interface OpsServer {
  url: string
  close(): Promise<void>
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' })
  res.end(body)
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, 'application/json', `${JSON.stringify(body)}\n`)

async function route(o: OpsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://ops').pathname
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'GET only' })
  switch (path) {
    case '/metrics':
      return send(res, 200, o.registry.contentType, await o.registry.metrics())
    case '/healthz':
      return json(res, 200, { status: 'alive' })
    case '/readyz': {
      let report: ReadinessReport
      try {
        report = await o.readiness()
      } catch (error) {
        report = { ready: false, reasons: [`readiness check failed: ${(error as Error).message}`] }
      }
      const details = report.details === undefined ? {} : { details: report.details }
      return report.ready
        ? json(res, 200, { status: 'ready', ...details })
        : json(res, 503, { status: 'not ready', reasons: report.reasons, ...details })
    }
    default:
      return json(res, 404, { error: 'not found', routes: ['/metrics', '/healthz', '/readyz'] })
  }
}

export function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    route(o, req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: (error as Error).message })
      else res.destroy()
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.host ?? '0.0.0.0', () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      const host = o.host === undefined || o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            // Scrapers keep connections alive; without this close() would wait for their timeout.
            server.closeAllConnections()
            server.close((error) => (error === undefined ? done() : fail(error)))
          }),
      })
    })
  })
}
