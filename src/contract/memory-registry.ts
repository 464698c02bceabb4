// A schema registry in memory, for tests and runs without one: the SchemaRegistryClient and
// RegistryInspector of registry.ts with the rules it relies on from a Confluent registry — one id
// per schema text (the same schema gets the same id in any subject), versions per subject, a frozen
// key subject that accepts one schema, and a change refused when it is not compatible at the
// subject's level (BACKWARD unless set). Compatibility is judged by Avro schema resolution (avsc's
// resolver), which is what the registry's check amounts to for the schemas we generate.
import { ContractError } from '../errors'
import { avroTypeFor } from './avro'
import type { RegisteredSchema, RegistryInspector, SchemaCheck, SchemaRegistryClient } from './registry'

export type CompatibilityLevel =
  'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE'

export interface MemoryRegistry extends SchemaRegistryClient, RegistryInspector {
  /** Sets a subject's compatibility level (the registry's PUT /config/<subject>). */
  setCompatibility(subject: string, level: CompatibilityLevel): void
  /** Every version of a subject, oldest first. */
  versions(subject: string): RegisteredSchema[]
}

const canonical = (schema: string | object): string =>
  JSON.stringify(typeof schema === 'string' ? JSON.parse(schema) : schema)

/** Why `reader` cannot read what `writer` wrote, or undefined when it can. */
function unreadable(reader: string, writer: string): string | undefined {
  try {
    avroTypeFor(reader).createResolver(avroTypeFor(writer))
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

/** What stands against `next` becoming the subject's newest version at `level`. */
export function incompatibilities(level: string, next: string, versions: readonly string[]): string[] {
  const against = level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1)
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL')
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL')
  return against
    .flatMap((old) => [
      ...(backward ? [unreadable(next, old)] : []),
      ...(forward ? [unreadable(old, next)] : []),
    ])
    .filter((m): m is string => m !== undefined)
}

export function createMemoryRegistry(
  options: { defaultCompatibility?: CompatibilityLevel } = {},
): MemoryRegistry {
  const ids = new Map<string, number>()
  const texts = new Map<number, string>()
  const subjects = new Map<string, RegisteredSchema[]>()
  const levels = new Map<string, string>()
  const global = options.defaultCompatibility ?? 'BACKWARD'

  const versionsOf = (subject: string) => subjects.get(subject) ?? []
  const idFor = (text: string): number => {
    let id = ids.get(text)
    if (id === undefined) {
      id = ids.size + 1
      ids.set(text, id)
      texts.set(id, text)
    }
    return id
  }

  const registry: MemoryRegistry = {
    compatibility: (subject) => Promise.resolve(levels.get(subject) ?? global),
    latest: (subject) => Promise.resolve(versionsOf(subject).at(-1)),
    subjects: () => Promise.resolve([...subjects.keys()]),
    versions: (subject) => [...versionsOf(subject)],
    setCompatibility: (subject, level) => void levels.set(subject, level),

    check(subject, schema): Promise<SchemaCheck> {
      const text = canonical(schema)
      const versions = versionsOf(subject)
      if (versions.length === 0) return Promise.resolve({ state: 'new' })
      const same = versions.find((v) => v.schema === text)
      if (same !== undefined)
        return Promise.resolve({ state: 'identical', id: same.id, version: same.version })
      const level = levels.get(subject) ?? global
      const messages = incompatibilities(
        level,
        text,
        versions.map((v) => v.schema),
      )
      const state = messages.length > 0 ? 'incompatible' : 'compatible'
      return Promise.resolve({ state, level, version: versions.at(-1)?.version, messages })
    },

    register(subject, schema, { frozen = false } = {}) {
      const text = canonical(schema)
      const versions = versionsOf(subject)
      const same = versions.find((v) => v.schema === text)
      if (same !== undefined) return Promise.resolve(same.id)
      const latest = versions.at(-1)
      if (latest !== undefined && frozen)
        return Promise.reject(
          new ContractError(
            `Key schema of ${subject} is frozen: the registered key schema differs from this one, and a different key ` +
              'would change key bytes, breaking compaction and partitioning. Use a new topic prefix to change keys.',
            { subject },
          ),
        )
      const level = levels.get(subject) ?? global
      const messages = incompatibilities(
        level,
        text,
        versions.map((v) => v.schema),
      )
      if (latest !== undefined && messages.length > 0)
        return Promise.reject(
          new ContractError(
            `Schema change for ${subject} is not ${level}-compatible with version ${latest.version ?? '?'}; nothing was published. ` +
              `Registry says: ${messages.join('; ')}. Fix the schema or, deliberately, the subject's compatibility.`,
            { subject, paths: messages },
          ),
        )
      const id = idFor(text)
      subjects.set(subject, [...versions, { id, version: versions.length + 1, schema: text }])
      return Promise.resolve(id)
    },

    schemaById(id) {
      const text = texts.get(id)
      if (text === undefined)
        return Promise.reject(new ContractError(`Schema id ${id} is not in the registry (404)`))
      return Promise.resolve(text)
    },
  }
  return registry
}
