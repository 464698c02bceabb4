// Encodes change events for one resource: keys and values framed with their registry ids.
// `prepare` registers both schemas once (pre-flight checked), before the first record is encoded.
import type { KeyFormat } from '../config'
import { ConfigError, ContractError } from '../errors'
import { keyOf, type RecordValue, type Resource } from '../resources/resource'
import { avroTypeFor, invalidPaths } from './avro'
import { effectiveKeyFormat, parseStringKey, stringKey } from './key-format'
import { keySubject, topicFor, valueSubject } from './naming'
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
  // A key's bytes never change on a compacted topic: string keys beside Avro ones would be two
  // keys for one record (compaction keeps both, partitions differ). Avro keys registered a key
  // subject; its presence says what the topic holds.
  if (keyFormat === 'string' && (await registry.latest(keySubject(topic))) !== undefined)
    throw new ConfigError([
      `topics.keyFormat (KEY_FORMAT): string, but ${topic} was written with Avro keys (${keySubject(topic)} ` +
        'is registered); the same record would get a second key. Keep KEY_FORMAT=avro, or use a new TOPIC_PREFIX',
    ])
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
      // avsc checks every value as it writes it and throws on the first that does not fit, so a
      // record is walked once; only one that fails is walked again, to name all its bad paths.
      let payload: Buffer
      try {
        payload = valueType.toBuffer(value)
      } catch {
        const bad = invalidPaths(valueType, value)
        throw new ContractError(
          `Cannot encode ${resource.name} ${JSON.stringify(keyOf(resource, record))}: invalid ${
            bad.length > 0 ? bad.join(', ') : 'value'
          }`,
          { subject: valueSubject(topic), paths: bad },
          { resource: resource.name, stage: 'encode' },
        )
      }
      return frame(valueSchemaId, payload)
    },
  }
}

/** Decodes a framed Avro message with its writer schema from the registry (consumers, tests). */
export async function decodeFramed(registry: SchemaRegistryClient, bytes: Buffer): Promise<unknown> {
  const { schemaId, payload } = unframe(bytes)
  const type = avroTypeFor(await registry.schemaById(schemaId))
  return type.fromBuffer(payload)
}

/**
 * Decodes a framed message into a reader schema (Avro schema resolution): how a consumer holding
 * the newest schema reads events written with an older one; added fields come back as their default.
 */
export async function decodeFramedAs(
  registry: SchemaRegistryClient,
  bytes: Buffer,
  reader: AvroRecordSchema,
): Promise<unknown> {
  const { schemaId, payload } = unframe(bytes)
  const writerType = avroTypeFor(await registry.schemaById(schemaId))
  const readerType = avroTypeFor(reader)
  return readerType.fromBuffer(payload, readerType.createResolver(writerType))
}

export interface SerdeOptions {
  registry: SchemaRegistryClient
  keyFormat: KeyFormat
  /** topic prefix; topics and subjects follow naming.ts */
  prefix?: string
}

export interface DecodedValue {
  record: RecordValue
  meta: EventMeta
  schemaId: number
}

/** Every resource's codec behind one object; schemas are registered once per subject on first use. */
export interface Serde {
  /** Registers (or re-registers, when it changed) a resource's value schema: employees pass theirs. */
  prepare(resource: Resource, valueSchema?: AvroRecordSchema): Promise<ResourceCodec>
  encodeKey(resource: Resource, key: RecordValue): Promise<Buffer>
  encodeValue(resource: Resource, record: RecordValue, meta: EventMeta): Promise<Buffer>
  decodeKey(resource: Resource, bytes: Buffer): Promise<RecordValue>
  decodeValue(bytes: Buffer): Promise<DecodedValue>
}

export function createSerde({ registry, keyFormat, prefix = 'personio' }: SerdeOptions): Serde {
  // One promise per resource: concurrent first uses share one registration.
  const codecs = new Map<string, { schema: string; codec: Promise<ResourceCodec> }>()
  const codecFor = (resource: Resource, schema: AvroRecordSchema = valueSchema(resource)) => {
    const text = JSON.stringify(schema)
    const known = codecs.get(resource.name)
    if (known !== undefined && known.schema === text) return known.codec
    const codec = prepareCodec(registry, resource, topicFor(prefix, resource.name), keyFormat, schema)
    codec.catch(() => codecs.delete(resource.name)) // a refused schema is retried on the next call
    codecs.set(resource.name, { schema: text, codec })
    return codec
  }
  const current = (resource: Resource) => codecs.get(resource.name)?.codec ?? codecFor(resource)
  return {
    prepare: (resource, schema) => codecFor(resource, schema),
    async encodeKey(resource, key) {
      return (await current(resource)).encodeKey(key)
    },
    async encodeValue(resource, record, meta) {
      return (await current(resource)).encodeValue(record, meta)
    },
    async decodeKey(resource, bytes) {
      if (effectiveKeyFormat(resource, keyFormat) === 'string') {
        const field = keySchema(resource).fields[0]
        return parseStringKey(resource, field?.type, bytes)
      }
      return (await decodeFramed(registry, bytes)) as RecordValue
    },
    async decodeValue(bytes) {
      const { schemaId } = unframe(bytes)
      const decoded = (await decodeFramed(registry, bytes)) as RecordValue
      const record: RecordValue = {}
      for (const [name, value] of Object.entries(decoded)) if (!name.startsWith('__')) record[name] = value
      const meta: EventMeta = { op: decoded.__op as EventMeta['op'] }
      if (typeof decoded.__source_ts_ms === 'number') meta.sourceTsMs = decoded.__source_ts_ms
      if (typeof decoded.__snapshot === 'boolean') meta.snapshot = decoded.__snapshot
      if (typeof decoded.__deleted === 'boolean') meta.deleted = decoded.__deleted
      return { record, meta, schemaId }
    },
  }
}
