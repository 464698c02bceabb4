// The published contract as files: schemas/<resource>-key.avsc and -value.avsc. Consumers and the
// docs read these files; the service generates the same schemas from the resource declarations
// (a unit test keeps the two identical). Reading a file is local and read-only, not registry I/O.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Type } from 'avsc'
import { ContractError } from '../errors'
import { avroTypeFor } from './avro'
import type { AvroRecordSchema } from './schema-builder'

export const schemaDir = join(__dirname, '..', '..', 'schemas')

export interface ResourceSchemas {
  key: AvroRecordSchema
  value: AvroRecordSchema
  keyType: Type
  valueType: Type
}

const cache = new Map<string, ResourceSchemas>()

function readSchema(dir: string, file: string): AvroRecordSchema {
  const path = join(dir, file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ContractError(
      `Schema file ${path} is missing; run \`npm run schemas\``,
      { paths: [path] },
      { cause: error },
    )
  }
  try {
    return JSON.parse(text) as AvroRecordSchema
  } catch (error) {
    throw new ContractError(`Schema file ${path} is not JSON: ${(error as Error).message}`, { paths: [path] })
  }
}

/** Key and value schema of a resource from schemas/*.avsc, parsed once (with our logical types). */
export function loadSchemas(resource: string, dir: string = schemaDir): ResourceSchemas {
  const cacheKey = `${dir}\n${resource}`
  const cached = cache.get(cacheKey)
  if (cached !== undefined) return cached
  const key = readSchema(dir, `${resource}-key.avsc`)
  const value = readSchema(dir, `${resource}-value.avsc`)
  let loaded: ResourceSchemas
  try {
    loaded = { key, value, keyType: avroTypeFor(key), valueType: avroTypeFor(value) }
  } catch (error) {
    throw new ContractError(`Schema files of ${resource} are not valid Avro: ${(error as Error).message}`, {
      paths: [`${resource}-key.avsc`, `${resource}-value.avsc`],
    })
  }
  cache.set(cacheKey, loaded)
  return loaded
}
