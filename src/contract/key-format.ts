// Key formats: an Avro record (default; composite keys as records) or a plain UTF-8 string for
// single-field keys (ksqlDB KEY_FORMAT='KAFKA', JDBC sink pk.fields). A composite key under
// `string` is a configuration error, not a silent fallback: joining fields into one string would
// invent a format no consumer knows, and falling back to Avro would surprise whoever chose
// `string`. Either way the same key always gives the same bytes: the key schema is frozen and keys
// carry no metadata.
import type { KeyFormat } from '../config'
import { ConfigError } from '../errors'
import type { ResourceDefinition } from '../resources/resource'

type Keyed = Pick<ResourceDefinition, 'name' | 'key'>

export function effectiveKeyFormat(resource: Keyed, configured: KeyFormat): KeyFormat {
  if (configured === 'string' && resource.key.length !== 1) {
    throw new ConfigError([
      `topics.keyFormat (KEY_FORMAT): 'string' needs a single-field key, but ${resource.name} is keyed by ` +
        `${resource.key.join(', ')}; use 'avro', or disable ${resource.name}`,
    ])
  }
  return configured
}

/** The UTF-8 text of a single-field key: numbers in decimal, strings as they are. */
export function stringKey(resource: Keyed, key: Record<string, unknown>): Buffer {
  const field = resource.key[0] as string
  const value = key[field]
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') {
    throw new ConfigError([
      `${resource.name}: key field ${field} must be a string or a number for KEY_FORMAT=string`,
    ])
  }
  return Buffer.from(String(value), 'utf8')
}

/** Reads a string key back; numeric key fields (Avro int/long in the key schema) become numbers. */
export function parseStringKey(
  resource: Keyed,
  keyFieldType: unknown,
  bytes: Buffer,
): Record<string, string | number> {
  const text = bytes.toString('utf8')
  const numeric = keyFieldType === 'long' || keyFieldType === 'int'
  return { [resource.key[0] as string]: numeric ? Number(text) : text }
}
