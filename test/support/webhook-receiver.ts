// A webhook receiver for tests: records each delivery (headers and envelope) and answers with the
// next status of its script (the last one repeats; 0 = never answer, so the sender times out).
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WebhookEnvelope } from '../../src/simulator'

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders
  body: WebhookEnvelope
  at: number
}

export interface WebhookReceiver {
  url: string
  received: ReceivedDelivery[]
  /** the event names received, in order */
  names(): string[]
  /** resolves once `n` deliveries arrived (rejects after `timeoutMs`) */
  waitFor(n: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function webhookReceiver(script: number[] = [200]): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEnvelope,
        at: Date.now(),
      })
      const status = script[Math.min(received.length - 1, script.length - 1)] as number
      if (status !== 0) res.writeHead(status).end()
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    names: () => received.map((r) => r.body.event_name),
    async waitFor(n, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} deliveries, got ${received.length}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
