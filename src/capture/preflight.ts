// What a capture run checks before it changes anything: Personio accepts the credentials, a
// Confluent-compatible registry answers at SCHEMA_REGISTRY_URL, and the brokers answer. Only then
// are topics created and schemas registered, so a wrong secret leaves no topics behind, and its
// one cause is said once instead of once per resource.
import type { SchemaRegistryClient } from '../contract/registry'
import { KafkaError, PkError } from '../errors'
import type { PersonioHttp } from '../personio/client'
import type { Resource } from '../resources'

/** The subject asked for: absent everywhere, so a Confluent registry answers 404 with its error code. */
export const PROBE_SUBJECT = 'personio-kafka-readyz-probe'

export interface PreflightDeps {
  http: Pick<PersonioHttp, 'authenticate'>
  registry: Pick<SchemaRegistryClient, 'latest'>
  /** a cheap broker round trip (describe the cluster) */
  pingKafka: () => Promise<void>
  brokers: readonly string[]
}

export async function preflight(deps: PreflightDeps, chosen: readonly Resource[]): Promise<void> {
  for (const api of new Set(chosen.map((r) => r.source.api))) await deps.http.authenticate(api)
  await deps.registry.latest(PROBE_SUBJECT)
  try {
    await deps.pingKafka()
  } catch (error) {
    if (error instanceof PkError) throw error
    throw new KafkaError(
      `Kafka at ${deps.brokers.join(',')} did not answer (${(error as Error).message}); check KAFKA_BROKERS ` +
        'and that the brokers are up and reachable from here',
      { cause: error, retriable: true },
    )
  }
}
