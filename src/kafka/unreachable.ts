// The one way every command says the brokers did not answer: what failed, which setting to check.
// report-error.ts still prefers its own words for a SASL or TLS failure among the causes.
import { KafkaError, PkError } from '../errors'

/** A failure to reach the brokers as our error; one of ours passes unchanged. */
export function kafkaUnreachable(brokers: readonly string[], error: unknown): PkError {
  if (error instanceof PkError) return error
  const why = error instanceof Error ? error.message : String(error)
  return new KafkaError(
    `Kafka at ${brokers.join(',')} did not answer (${why}); check KAFKA_BROKERS ` +
      'and that the brokers are up and reachable from here',
    { cause: error, retriable: true },
  )
}
