// A replay of Personio for the end-to-end benchmark, run as its own process: it forwards each
// method + URL + body to the target once and answers every repeat from memory. Real HTTP, real
// JSON, no generation — and, being another process, none of its serving is counted as ours (real
// Personio does not run on our CPU either). Prints its URL on stdout once it listens.
//   tsx bench/replay-server.ts <target-url>
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'

interface Answer {
  status: number
  type: string
  body: Buffer
}

const FORWARDED = ['authorization', 'content-type', 'accept', 'x-personio-app-id', 'x-personio-partner-id']

export function startReplayServer(target: string) {
  const cache = new Map<string, Answer>()
  return createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const key = `${req.method ?? 'GET'} ${req.url ?? '/'} ${body.toString()}`
      const answer = (a: Answer) => {
        res.writeHead(a.status, { 'content-type': a.type, 'content-length': a.body.length })
        res.end(a.body)
      }
      const hit = cache.get(key)
      if (hit !== undefined) return answer(hit)
      const headers: Record<string, string> = {}
      for (const h of FORWARDED) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h]
      void request(`${target}${req.url ?? '/'}`, {
        method: (req.method ?? 'GET') as 'GET',
        headers,
        body: body.length > 0 ? body : undefined,
      }).then(
        async (r) => {
          const a = {
            status: r.statusCode,
            type: String(r.headers['content-type'] ?? 'application/json'),
            body: Buffer.from(await r.body.arrayBuffer()),
          }
          if (a.status === 200) cache.set(key, a)
          answer(a)
        },
        (error: unknown) => {
          // the target did not answer: say so, as a gateway would, instead of dying
          answer({ status: 502, type: 'text/plain', body: Buffer.from(String(error)) })
        },
      )
    })
  })
}

if (require.main === module) {
  const target = process.argv[2]
  if (target === undefined) throw new Error('usage: replay-server <target-url>')
  const server = startReplayServer(target)
  server.listen(0, '127.0.0.1', () =>
    console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
  )
}
