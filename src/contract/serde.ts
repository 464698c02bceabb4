// Encodes change events for one resource: keys and values framed with their registry ids.
// `prepare` registers both schemas once (pre-flight checked), before the first record is encoded.
import type { KeyFormat } from '../config'
import { ContractError } from '../errors'
import { keyOf, type RecordValue, type Resource } from '../resources/resource'
import { avroTypeFor, invalidPaths } from './avro'
import { effectiveKeyFormat, stringKey } from './key-format'
import { keySubject, valueSubject } from './naming'
import type { SchemaRegistryClient } from './registry'
import { keySchema, valueSchema, type AvroRecordSchema } from './schema-builder'
import { frame, unframe } from './wire'

export interface EventMeta {
  op: 'c' | 'u' | 'r' | 'd'
  sourceTsMs?: number
  snapshot?: boolean
  deleted?: boolean
}

export interface ResourceCodec {
  keyFormat: KeyFormat
  keySchemaId?: number
  valueSchemaId: number
  encodeKey(record: RecordValue): Buffer
  encodeValue(record: RecordValue, meta: EventMeta): Buffer
}

export async function prepareCodec(
  registry: SchemaRegistryClient,
  resource: Resource,
  topic: string,
  configuredKeyFormat: KeyFormat,
  schema: AvroRecordSchema = valueSchema(resource),
): Promise<ResourceCodec> {
  const keyFormat = effectiveKeyFormat(resource, configuredKeyFormat)
  const keyAvro = keySchema(resource)
  const keySchemaId =
    keyFormat === 'avro' ? await registry.register(keySubject(topic), keyAvro, { frozen: true }) : undefined
  const valueSchemaId = await registry.register(valueSubject(topic), schema)
  const keyType = avroTypeFor(keyAvro)
  const valueType = avroTypeFor(schema)
  return {
    keyFormat,
    keySchemaId,
    valueSchemaId,
    encodeKey(record) {
      const key = keyOf(resource, record)
      return keyFormat === 'string'
        ? stringKey(resource, key)
        : frame(keySchemaId as number, keyType.toBuffer(key))
    },
    encodeValue(record, meta) {
      const value = {
        ...record,
        __op: meta.op,
        __source_ts_ms: meta.sourceTsMs ?? null,
        __snapshot: meta.snapshot ?? null,
        __deleted: meta.deleted ?? null,
      }
      const bad = invalidPaths(valueType, value)
      if (bad.length > 0) {
        throw new ContractError(
          `Cannot encode ${resource.name} ${JSON.stringify(keyOf(resource, record))}: invalid ${bad.join(', ')}`,
          {
            subject: valueSubject(topic),
            paths: bad,
          },
          { resource: resource.name, stage: 'encode' },
        )
      }
      return frame(valueSchemaId, valueType.toBuffer(value))
    },
  }
}

/** Decodes a framed Avro message with its writer schema from the registry (consumers, tests). */
export async function decodeFramed(registry: SchemaRegistryClient, bytes: Buffer): Promise<unknown> {
  const { schemaId, payload } = unframe(bytes)
  const type = avroTypeFor(await registry.schemaById(schemaId))
  return type.fromBuffer(payload)
}
