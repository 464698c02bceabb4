// Resource declarations → Avro key and value schemas (the contract as data). Pure.
// Keys: a record of the key fields, non-null, frozen. Values: key fields non-null, every other
// field ["null", T] with default null (so adding fields stays compatible under FULL_TRANSITIVE),
// then Debezium-style metadata. Logical types sit inside the type object.
import { avroType, type FieldSpec } from '../resources/fields/field'
import type { ResourceDefinition } from '../resources/resource'
import { schemaNamespace } from './naming'

export interface AvroField {
  name: string
  type: unknown
  doc?: string
  default?: unknown
  [property: string]: unknown
}

export interface AvroRecordSchema {
  type: 'record'
  name: string
  namespace: string
  doc?: string
  fields: AvroField[]
}

export const metadataFields: readonly AvroField[] = [
  {
    name: '__op',
    type: ['null', 'string'],
    default: null,
    doc: 'c create, u update, r snapshot read, d delete (rewrite mode).',
  },
  {
    name: '__source_ts_ms',
    type: ['null', { type: 'long', logicalType: 'timestamp-millis' }],
    default: null,
    doc: "Personio's change timestamp of the record, when the resource has one.",
  },
  {
    name: '__snapshot',
    type: ['null', 'boolean'],
    default: null,
    doc: 'true when the event is part of an initial or re-snapshot.',
  },
  {
    name: '__deleted',
    type: ['null', 'boolean'],
    default: null,
    doc: 'true on the last image of a deleted record (rewrite delete mode).',
  },
]

export const isMetadataField = (name: string): boolean => name.startsWith('__')

function keyFields<Raw>(resource: Pick<ResourceDefinition<Raw>, 'key' | 'fields'>): FieldSpec<Raw>[] {
  return resource.key.map((k) => resource.fields.find((f) => f.name === k) as FieldSpec<Raw>)
}

export function keySchema<Raw>(
  resource: Pick<ResourceDefinition<Raw>, 'name' | 'key' | 'fields' | 'doc'>,
): AvroRecordSchema {
  return {
    type: 'record',
    name: 'Key',
    namespace: schemaNamespace(resource.name),
    doc: `Key of ${resource.name}: ${resource.key.join(', ')}.`,
    fields: keyFields(resource).map((f) => ({ name: f.name, type: avroType(f), doc: f.doc })),
  }
}

export function valueField<Raw>(field: FieldSpec<Raw>, isKey: boolean): AvroField {
  return isKey
    ? { name: field.name, type: avroType(field), doc: field.doc }
    : { name: field.name, type: ['null', avroType(field)], default: null, doc: field.doc }
}

export function valueSchema<Raw>(
  resource: Pick<ResourceDefinition<Raw>, 'name' | 'key' | 'fields' | 'doc'>,
): AvroRecordSchema {
  return {
    type: 'record',
    name: 'Value',
    namespace: schemaNamespace(resource.name),
    doc: resource.doc,
    fields: [...resource.fields.map((f) => valueField(f, resource.key.includes(f.name))), ...metadataFields],
  }
}
