// A record field, declared once: its Avro type, its doc, and how to read it from a Personio item.
// Schemas (schemas/*.avsc) and mappings are both derived from these declarations.
import type { Reader } from './reader'

/** The value a field of each kind holds in a mapped record (dates: days since epoch; timestamps:
 * epoch ms; decimals: fixed-scale strings, as the Avro decimal serde expects). */
export interface FieldValues {
  string: string
  long: number
  int: number
  double: number
  boolean: boolean
  timestamp: number
  date: number
  decimal: string
}

export type FieldKind = keyof FieldValues
export type FieldValue = FieldValues[FieldKind] | null

interface FieldSpecOf<K extends FieldKind, Raw> {
  name: string
  kind: K
  doc: string
  /** decimal only */
  scale?: number
  precision?: number
  /** typed by kind: a reader returning a number for a string field does not compile */
  read: (r: Reader, raw: Raw) => FieldValues[K] | null
}

/** A record field of any kind; `kind` ties `read`'s result type to the Avro type. */
export type FieldSpec<Raw = unknown> = { [K in FieldKind]: FieldSpecOf<K, Raw> }[FieldKind]

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

type Read<K extends FieldKind, Raw> = FieldSpecOf<K, Raw>['read']

const of =
  <K extends FieldKind>(kind: K) =>
  <Raw>(name: string, doc: string, read: Read<K, Raw>): FieldSpecOf<K, Raw> => ({ name, kind, doc, read })

/** Shorthands that keep resource files to one line per field. */
export const f = {
  string: of('string'),
  long: of('long'),
  int: of('int'),
  double: of('double'),
  boolean: of('boolean'),
  timestamp: of('timestamp'),
  date: of('date'),
  decimal: <Raw>(
    name: string,
    doc: string,
    precision: number,
    scale: number,
    read: Read<'decimal', Raw>,
  ): FieldSpecOf<'decimal', Raw> => ({ name, kind: 'decimal', doc, precision, scale, read }),
}
