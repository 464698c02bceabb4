// Readiness is a real call, retried until it answers or the bound passes: a metadata request for
// Kafka, a subjects listing for the registry. On failure the error points at the log.
import { Kafka, logLevel } from 'kafkajs'
import { request } from 'undici'
import { InfraError } from '../../src/errors'
import { tail } from './processes'

export interface WaitOptions {
  timeoutMs: number
  log: string
  /** stop early when the process died */
  alive: () => boolean
  name: string
}

async function waitFor(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const started = Date.now()
  let lastError = ''
  let lastReport = started
  while (Date.now() - started < options.timeoutMs) {
    try {
      if (await check()) return
    } catch (error) {
      lastError = (error as Error).message
    }
    if (!options.alive()) {
      throw new InfraError(
        `${options.name} exited during start-up. Last lines of ${options.log}:\n${tail(options.log)}`,
      )
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
    `${options.name} did not become ready within ${options.timeoutMs / 1000} s (last error: ${lastError || 'none'}). ` +
      `Last lines of ${options.log}:\n${tail(options.log)}`,
  )
}

export async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({
    brokers,
    clientId: 'infra-probe',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    // kafkajs arms a timer per request for requestTimeout (30 s by default) and does not clear it
    // on disconnect; a short one keeps `npm test` and `infra:up` from lingering after the probe.
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin()
  try {
    await admin.connect()
    const cluster = await admin.describeCluster()
    return cluster.brokers.length > 0 && cluster.controller !== null
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}

export async function registryAnswers(url: string): Promise<boolean> {
  const res = await request(`${url}/subjects`, { headersTimeout: 2000, bodyTimeout: 2000 })
  await res.body.dump()
  return res.statusCode === 200
}

export function waitForKafka(brokers: string[], options: WaitOptions): Promise<void> {
  return waitFor(() => kafkaAnswers(brokers), options)
}

export function waitForRegistry(url: string, options: WaitOptions): Promise<void> {
  return waitFor(() => registryAnswers(url), options)
}
