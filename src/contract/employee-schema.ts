// The employees value schema grows with the custom attributes (`dynamic_<n>`) the credential may
// read. Pure: (attribute definitions, previously registered schema) → next schema + the extra
// fields the mapping fills. Rules, so the subject never breaks under BACKWARD or FULL_TRANSITIVE:
// - a field's name is chosen once and carried forward through the field property
//   `personio.attribute`, so renaming a label in Personio never renames the field (the doc follows);
// - fields are never removed: an attribute that disappears keeps its field, null from then on;
// - an attribute whose type changes keeps its old field (null from then on) and gets a new field
//   named `<name>__<kind>`; every new field is optional with default null.
import type { EmployeeAttributeType, V1EmployeeAttributeDefinition } from '../personio/types'
import { employees } from '../resources/employees'
import { avroType, f, type FieldKind, type FieldSpec } from '../resources/fields/field'
import { avroFieldName, assertNoCollision } from './naming'
import {
  isMetadataField,
  valueField,
  valueSchema,
  type AvroField,
  type AvroRecordSchema,
} from './schema-builder'

export const ATTRIBUTE_PROPERTY = 'personio.attribute'
export const KIND_PROPERTY = 'personio.kind'

export function kindOf(type: EmployeeAttributeType): FieldKind {
  switch (type) {
    case 'date':
      return 'date'
    case 'integer':
      return 'long'
    case 'decimal':
      return 'double'
    default:
      return 'string' // standard, multiline, link, list (one option) and tags (JSON)
  }
}

function customFieldSpec(name: string, def: V1EmployeeAttributeDefinition, kind: FieldKind): FieldSpec {
  const path = ['attributes', def.key, 'value']
  const doc = `${def.label} (Personio custom attribute ${def.key}${def.universal_id === null ? '' : `, ${def.universal_id}`}).`
  switch (kind) {
    case 'date':
      return f.date(name, doc, (r) => r.date(path))
    case 'long':
      return f.long(name, doc, (r) => r.long(path))
    case 'double':
      return f.double(name, doc, (r) => r.double(path))
    default:
      // standard, multiline, link, list (one option) and tags (JSON); numbers and booleans as text
      return f.string(name, doc, (r) => {
        const value = r.raw(path)
        if (value === null || typeof value === 'string') return r.string(path)
        return typeof value === 'number' || typeof value === 'boolean' ? String(value) : r.json(path)
      })
  }
}

export interface EmployeeSchema {
  schema: AvroRecordSchema
  /** the fields the employees mapping fills for custom attributes (MappingContext.extraFields) */
  customFields: FieldSpec[]
  /** human-readable notes: renamed labels, type changes, collisions resolved */
  notes: string[]
}

export function buildEmployeeValueSchema(
  definitions: readonly V1EmployeeAttributeDefinition[],
  previous?: AvroRecordSchema,
): EmployeeSchema {
  const base = valueSchema(employees)
  const staticFields = base.fields.filter((fl) => !isMetadataField(fl.name))
  const metadata = base.fields.filter((fl) => isMetadataField(fl.name))
  const carried = (previous?.fields ?? []).filter((fl) => typeof fl[ATTRIBUTE_PROPERTY] === 'string')
  const owners = new Map<string, string>(staticFields.map((fl) => [fl.name, `standard attribute ${fl.name}`]))
  for (const fl of carried) owners.set(fl.name, String(fl[ATTRIBUTE_PROPERTY]))

  const notes: string[] = []
  const customFields: FieldSpec[] = []
  const fields = new Map<string, AvroField>(carried.map((fl) => [fl.name, fl]))
  for (const def of definitions.filter((d) => /^dynamic_\d+$/.test(d.key))) {
    const kind = kindOf(def.type)
    const mine = carried.filter((fl) => fl[ATTRIBUTE_PROPERTY] === def.key)
    let name = mine.find((fl) => fl[KIND_PROPERTY] === kind)?.name
    if (name === undefined) {
      const readable = avroFieldName(def.universal_id ?? def.label)
      const first = mine[0]?.name
      name = first === undefined ? readable : `${first}__${kind}`
      if (first !== undefined)
        notes.push(
          `${def.key} changed type to ${def.type}: new field ${name}, ${first} stays null from now on`,
        )
      if (owners.has(name) && owners.get(name) !== def.key) {
        notes.push(
          `${def.key} (${def.label}) would collide with ${owners.get(name)} as ${name}; using ${def.key}`,
        )
        name = def.key
      }
      assertNoCollision(owners, name, def.key)
      owners.set(name, def.key)
    }
    const spec = customFieldSpec(name, def, kind)
    customFields.push(spec)
    fields.set(name, { ...valueField(spec, false), [ATTRIBUTE_PROPERTY]: def.key, [KIND_PROPERTY]: kind })
  }
  return {
    schema: { ...base, fields: [...staticFields, ...fields.values(), ...metadata] },
    customFields,
    notes,
  }
}

export { avroType }
