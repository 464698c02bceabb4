// Loopback port checks. An open port is not readiness (that is checked by a real call); this only
// avoids starting a JVM that would die on "address already in use".
import { createServer } from 'node:net'

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** The preferred port when it is free, else any free one; never one already handed out in this run
 * (a port a start failed to bind stays handed out, so the retry cannot pick it again). */
export async function choosePort(preferred: number | undefined, taken: Set<number>): Promise<number> {
  let port =
    preferred !== undefined && preferred > 0 && !taken.has(preferred) && (await isPortFree(preferred))
      ? preferred
      : await freePort()
  while (taken.has(port)) port = await freePort()
  taken.add(port)
  return port
}
