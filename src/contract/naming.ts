// Topic, subject and field naming in one place (Debezium's TopicNamingStrategy + SchemaNameAdjuster).
import { ContractError } from '../errors'

export const topicFor = (prefix: string, resource: string): string => `${prefix}.${resource}`
/** TopicNameStrategy, always passed explicitly: never let a client derive `namespace.name`. */
export const keySubject = (topic: string): string => `${topic}-key`
export const valueSubject = (topic: string): string => `${topic}-value`
export const dlqTopic = (prefix: string): string => `${prefix}._dlq`
/** Avro namespace of a resource's schemas: independent of the topic prefix, so the contract is frozen. */
export const schemaNamespace = (resource: string): string => `personio.${resource}`

const TRANSLITERATION: Record<string, string> = {
  ä: 'ae',
  ö: 'oe',
  ü: 'ue',
  ß: 'ss',
  Ä: 'Ae',
  Ö: 'Oe',
  Ü: 'Ue',
}

/**
 * An Avro-legal field name (`[A-Za-z_][A-Za-z0-9_]*`) from a Personio label or slug: umlauts
 * transliterated, accents dropped, everything else to `_`, lower snake case.
 */
export function avroFieldName(label: string): string {
  const ascii = label
    .replace(/[äöüßÄÖÜ]/g, (c) => TRANSLITERATION[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
  const snake = ascii
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
  const name = snake === '' ? 'field' : snake
  return /^[0-9]/.test(name) ? `_${name}` : name
}

/** Throws when two different sources would land in one field: merging them silently loses data. */
export function assertNoCollision(
  names: ReadonlyMap<string, string>,
  candidate: string,
  source: string,
): void {
  const owner = names.get(candidate)
  if (owner !== undefined && owner !== source) {
    throw new ContractError(
      `Field name ${candidate} would be shared by ${owner} and ${source}; rename one attribute in Personio`,
      {
        paths: [owner, source],
      },
    )
  }
}
