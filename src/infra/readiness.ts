// Readiness is a real call that proves identity, retried until it answers or the bound passes: a
// metadata request whose cluster id must be the one this checkout formatted (Kafka), a subjects
// listing whose response carries the token only our registry was started with (Apicurio). An
// answer from anyone else's service on the same port is not readiness. The process is checked to
// be alive before each call; on failure the error quotes the lines this start wrote to the log.
import { request } from 'undici'
import { InfraError } from '../errors'
import { kafkaClusterId } from '../kafka'
import { tail } from './processes'

export interface WaitOptions {
  timeoutMs: number
  log: string
  /** byte offset of the log when the process started: only later lines are quoted */
  logFrom?: number
  /** stop early when the process died */
  alive: () => boolean
  name: string
}

/** The answer of one probe: ready, or why not (kept for the error message). */
export type Probe = { ok: true } | { ok: false; why: string }

async function waitFor(check: () => Promise<Probe>, options: WaitOptions): Promise<void> {
  const started = Date.now()
  let lastError = ''
  let lastReport = started
  const logLines = () => `Last lines of ${options.log}:\n${tail(options.log, options.logFrom)}`
  while (Date.now() - started < options.timeoutMs) {
    // Alive first: a dead process cannot be ready, whoever answers on its port.
    if (!options.alive()) throw new InfraError(`${options.name} exited during start-up. ${logLines()}`)
    try {
      const probe = await check()
      if (probe.ok) return
      lastError = probe.why
    } catch (error) {
      lastError = (error as Error).message
    }
    if (Date.now() - lastReport > 10_000) {
      process.stderr.write(
        `  still waiting for ${options.name} (${Math.round((Date.now() - started) / 1000)} s)…\n`,
      )
      lastReport = Date.now()
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new InfraError(
    `${options.name} did not become ready within ${options.timeoutMs / 1000} s (last error: ${lastError || 'none'}). ${logLines()}`,
  )
}

export { kafkaClusterId }

export async function kafkaIsOurs(brokers: string[], clusterId: string): Promise<Probe> {
  const answered = await kafkaClusterId(brokers)
  if (answered === undefined) return { ok: false, why: 'no controller yet' }
  return answered === clusterId
    ? { ok: true }
    : {
        ok: false,
        why: `${brokers.join(',')} is another Kafka (cluster id ${answered}, ours is ${clusterId})`,
      }
}

/** The response header our registry was started with (src/infra/registry.ts). */
export const identityHeader = 'x-personio-kafka-infra'

export async function registryIsOurs(url: string, token: string): Promise<Probe> {
  const res = await request(`${url}/subjects`, { headersTimeout: 2000, bodyTimeout: 2000 })
  await res.body.dump()
  if (res.statusCode !== 200) return { ok: false, why: `GET ${url}/subjects answered ${res.statusCode}` }
  const header = res.headers[identityHeader]
  return header === token
    ? { ok: true }
    : { ok: false, why: `${url} is another registry (no ${identityHeader}: ${token} in its answer)` }
}

export function waitForKafka(brokers: string[], clusterId: string, options: WaitOptions): Promise<void> {
  return waitFor(() => kafkaIsOurs(brokers, clusterId), options)
}

export function waitForRegistry(url: string, token: string, options: WaitOptions): Promise<void> {
  return waitFor(() => registryIsOurs(url, token), options)
}
