// A record field, declared once: its Avro type, its doc, and how to read it from a Personio item.
// Schemas (schemas/*.avsc) and mappings are both derived from these declarations.
import type { Reader } from './reader'

export type FieldKind = 'string' | 'long' | 'int' | 'double' | 'boolean' | 'timestamp' | 'date' | 'decimal'

export interface FieldSpec<Raw = unknown> {
  name: string
  kind: FieldKind
  doc: string
  /** decimal only */
  scale?: number
  precision?: number
  read: (r: Reader, raw: Raw) => unknown
}

export type AvroType = string | Record<string, unknown>

export function avroType(field: Pick<FieldSpec, 'kind' | 'scale' | 'precision'>): AvroType {
  switch (field.kind) {
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-millis' }
    case 'date':
      return { type: 'int', logicalType: 'date' }
    case 'decimal':
      return {
        type: 'bytes',
        logicalType: 'decimal',
        precision: field.precision ?? 14,
        scale: field.scale ?? 2,
      }
    default:
      return field.kind
  }
}

/** Shorthands that keep resource files to one line per field. */
export const f = {
  string: <Raw>(name: string, doc: string, read: FieldSpec<Raw>['read']): FieldSpec<Raw> => ({
    name,
    kind: 'string',
    doc,
    read,
  }),
  long: <Raw>(name: string, doc: string, read: FieldSpec<Raw>['read']): FieldSpec<Raw> => ({
    name,
    kind: 'long',
    doc,
    read,
  }),
  int: <Raw>(name: string, doc: string, read: FieldSpec<Raw>['read']): FieldSpec<Raw> => ({
    name,
    kind: 'int',
    doc,
    read,
  }),
  double: <Raw>(name: string, doc: string, read: FieldSpec<Raw>['read']): FieldSpec<Raw> => ({
    name,
    kind: 'double',
    doc,
    read,
  }),
  boolean: <Raw>(name: string, doc: string, read: FieldSpec<Raw>['read']): FieldSpec<Raw> => ({
    name,
    kind: 'boolean',
    doc,
    read,
  }),
  timestamp: <Raw>(name: string, doc: string, read: FieldSpec<Raw>['read']): FieldSpec<Raw> => ({
    name,
    kind: 'timestamp',
    doc,
    read,
  }),
  date: <Raw>(name: string, doc: string, read: FieldSpec<Raw>['read']): FieldSpec<Raw> => ({
    name,
    kind: 'date',
    doc,
    read,
  }),
  decimal: <Raw>(
    name: string,
    doc: string,
    precision: number,
    scale: number,
    read: FieldSpec<Raw>['read'],
  ): FieldSpec<Raw> => ({
    name,
    kind: 'decimal',
    doc,
    precision,
    scale,
    read,
  }),
}
