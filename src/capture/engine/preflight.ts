// What a capture run checks before it changes anything: Personio accepts the credentials, a
// Confluent-compatible registry answers at SCHEMA_REGISTRY_URL, and the brokers answer. Only then
// are topics created and schemas registered, so a wrong secret leaves no topics behind, and its
// one cause is said once instead of once per resource. The service (`run`) waits out an outage
// that may heal (no answer, a 5xx) for a while, as its cycles would; one-shot commands say it at once.
import { setTimeout as delay } from 'node:timers/promises'
import type { SchemaRegistryClient } from '../../contract/registry'
import { PersonioHttpError, PkError } from '../../errors'
import { kafkaUnreachable } from '../../kafka/unreachable'
import type { Logger } from '../../ops/logger'
import type { PersonioHttp } from '../../personio/client'
import type { Resource } from '../../resources'

/**
 * A subject nobody registers, under the topic prefix (so a registry that grants access by prefix
 * lets it be read): a Confluent registry answers 404 with its error code, a wrong URL a bare 404.
 */
export const probeSubject = (prefix: string): string => `${prefix}.personio-kafka-probe`

export interface PreflightDeps {
  http: Pick<PersonioHttp, 'authenticate'>
  registry: Pick<SchemaRegistryClient, 'latest'>
  /** a cheap broker round trip (describe the cluster) */
  pingKafka: () => Promise<void>
  brokers: readonly string[]
  prefix: string
  logger: Logger
  /** how long an outage that may heal is waited out; 0: said at once */
  patienceMs: number
  /** ends a wait at once (the start was abandoned: the company moved to another worker, a stop) */
  signal?: AbortSignal
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** An answer that may change by itself: no answer at all, a 5xx, a broker not up yet. */
function mayHeal(error: unknown): boolean {
  if (error instanceof PersonioHttpError) return error.status === 0 || error.status >= 500
  return error instanceof PkError && error.retriable
}

async function pingKafka(deps: PreflightDeps): Promise<void> {
  try {
    await deps.pingKafka()
  } catch (error) {
    throw kafkaUnreachable(deps.brokers, error)
  }
}

async function patiently(deps: PreflightDeps, what: string, check: () => Promise<unknown>): Promise<void> {
  const started = Date.now()
  const sleep = deps.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }))
  for (let wait = 2_000; ; wait = Math.min(wait * 2, 30_000)) {
    deps.signal?.throwIfAborted()
    try {
      await check()
      return
    } catch (error) {
      if (!mayHeal(error) || Date.now() - started + wait > deps.patienceMs) throw error
      deps.logger.warn(
        { check: what, retryInMs: wait },
        `before starting: ${(error as Error).message}; trying again`,
      )
      await sleep(wait, deps.signal)
    }
  }
}

export async function preflight(deps: PreflightDeps, chosen: readonly Resource[]): Promise<void> {
  for (const api of new Set(chosen.map((r) => r.source.api)))
    await patiently(deps, `personio ${api}`, () => deps.http.authenticate(api))
  await patiently(deps, 'registry', () => deps.registry.latest(probeSubject(deps.prefix)))
  await patiently(deps, 'kafka', () => pingKafka(deps))
}
