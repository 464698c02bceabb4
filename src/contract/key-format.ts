// Key formats: an Avro record (default; composite keys as records) or a plain UTF-8 string for
// single-field keys (ksqlDB KEY_FORMAT='KAFKA', JDBC sink pk.fields). Composite keys stay Avro
// records under `string` too: joining fields into one string would invent a format no consumer
// knows. Either way the same key always gives the same bytes: the key schema is frozen and keys
// carry no metadata.
import type { KeyFormat } from '../config'
import type { ResourceDefinition } from '../resources/resource'

export function effectiveKeyFormat(
  resource: Pick<ResourceDefinition, 'key'>,
  configured: KeyFormat,
): KeyFormat {
  return configured === 'string' && resource.key.length === 1 ? 'string' : 'avro'
}

export function stringKey(resource: Pick<ResourceDefinition, 'key'>, key: Record<string, unknown>): Buffer {
  return Buffer.from(String(key[resource.key[0] as string]), 'utf8')
}
