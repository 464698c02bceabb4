// Parses Avro schemas with our logical types, once per schema text.
import { Type, type Schema } from 'avsc'
import { logicalTypes } from './logical-types'

const cache = new Map<string, Type>()

export function avroTypeFor(schema: object | string): Type {
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema)
  let type = cache.get(text)
  if (type === undefined) {
    type = Type.forSchema(JSON.parse(text) as Schema, { logicalTypes, wrapUnions: false })
    cache.set(text, type)
  }
  return type
}

/** Every invalid path of a value against a schema (empty when valid). */
export function invalidPaths(type: Type, value: unknown): string[] {
  const paths: string[] = []
  type.isValid(value, { errorHook: (path: string[]) => paths.push(path.join('.')) })
  return paths
}
