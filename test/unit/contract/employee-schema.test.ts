import { avroTypeFor } from '../../../src/contract/avro'
import { ATTRIBUTE_PROPERTY, buildEmployeeValueSchema } from '../../../src/contract/employee-schema'
import type { V1EmployeeAttributeDefinition } from '../../../src/personio/types'
import { resources } from '../../../src/resources'

const iban: V1EmployeeAttributeDefinition = {
  key: 'dynamic_1',
  label: 'IBAN',
  type: 'standard',
  universal_id: 'iban',
}
const title: V1EmployeeAttributeDefinition = {
  key: 'dynamic_2',
  label: 'Akademischer Titel',
  type: 'standard',
  universal_id: null,
}
const spots: V1EmployeeAttributeDefinition = {
  key: 'dynamic_3',
  label: 'Parking spots',
  type: 'integer',
  universal_id: null,
}

const customNames = (
  defs: V1EmployeeAttributeDefinition[],
  previous?: ReturnType<typeof buildEmployeeValueSchema>['schema'],
) =>
  buildEmployeeValueSchema(defs, previous)
    .schema.fields.filter((f) => typeof f[ATTRIBUTE_PROPERTY] === 'string')
    .map((f) => f.name)

describe('contract > employee-schema', () => {
  it('adds one optional field per custom attribute, label in the doc, before the metadata', () => {
    const { schema } = buildEmployeeValueSchema([iban, title, spots])
    const names = schema.fields.map((f) => f.name)
    expect(names.slice(-7)).toEqual([
      'iban',
      'akademischer_titel',
      'parking_spots',
      '__op',
      '__source_ts_ms',
      '__snapshot',
      '__deleted',
    ])
    const field = schema.fields.find((f) => f.name === 'parking_spots')
    expect(field).toMatchObject({ type: ['null', 'long'], default: null, [ATTRIBUTE_PROPERTY]: 'dynamic_3' })
    expect(field?.doc).toContain('Parking spots')
  })

  it('keeps field names when a label is renamed, and never removes a field', () => {
    const v1 = buildEmployeeValueSchema([iban, title]).schema
    const renamed = { ...title, label: 'Title' }
    const v2 = buildEmployeeValueSchema([renamed], v1).schema
    expect(customNames([renamed], v1)).toEqual(['iban', 'akademischer_titel'])
    expect(v2.fields.find((f) => f.name === 'akademischer_titel')?.doc).toContain('Title')
  })

  it('adds a new field on a type change and keeps the old one', () => {
    const v1 = buildEmployeeValueSchema([spots]).schema
    const changed = { ...spots, type: 'standard' as const }
    const next = buildEmployeeValueSchema([changed], v1)
    expect(customNames([changed], v1)).toEqual(['parking_spots', 'parking_spots__string'])
    expect(next.notes.join()).toMatch(/dynamic_3 changed type/)
    expect(next.customFields.map((f) => f.name)).toEqual(['parking_spots__string'])
  })

  it('resolves a collision with a standard attribute by falling back to the attribute key', () => {
    const email: V1EmployeeAttributeDefinition = {
      key: 'dynamic_9',
      label: 'E-Mail',
      type: 'standard',
      universal_id: 'email',
    }
    const built = buildEmployeeValueSchema([email])
    expect(customNames([email])).toEqual(['dynamic_9'])
    expect(built.notes.join()).toMatch(/collide with standard attribute email/)
  })

  it('old records decode with the new schema (schema resolution), and new ones map their fields', () => {
    const v1 = buildEmployeeValueSchema([iban])
    const v2 = buildEmployeeValueSchema([iban, spots], v1.schema)
    const item = {
      type: 'Employee',
      attributes: {
        id: { label: 'ID', value: 1, type: 'integer', universal_id: 'id' },
        dynamic_1: { label: 'IBAN', value: 'DE1', type: 'standard', universal_id: 'iban' },
        dynamic_3: { label: 'Parking spots', value: '2', type: 'integer', universal_id: null },
      },
    }
    const oldRecord = resources.employees.toRecord(item, { extraFields: v1.customFields })
    const writer = avroTypeFor(v1.schema)
    const reader = avroTypeFor(v2.schema)
    const bytes = writer.toBuffer({ ...oldRecord, __op: 'c' })
    const decoded = reader.fromBuffer(bytes, reader.createResolver(writer)) as Record<string, unknown>
    expect(decoded).toMatchObject({ id: 1, iban: 'DE1', parking_spots: null, __op: 'c' })
    expect(resources.employees.toRecord(item, { extraFields: v2.customFields })).toMatchObject({
      iban: 'DE1',
      parking_spots: 2,
    })
  })
})
