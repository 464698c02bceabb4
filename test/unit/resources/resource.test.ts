// Malformed Personio items (the documented examples of test/fixtures/, one leaf corrupted): the
// mapping answers with a MappingError naming the resource, the key (when known), the field path and
// the value, or maps the item to a record that takes the corrupt value only where it is a valid
// value of that field's type. It never throws anything else, never returns a half-filled record,
// and never turns a corrupt value into null or into text silently.
import fc from 'fast-check'
import { avroTypeFor, invalidPaths } from '../../../src/contract/avro'
import { valueSchema } from '../../../src/contract/schema-builder'
import { MappingError } from '../../../src/errors'
import { resources, type MappingContext, type RecordValue, type Resource } from '../../../src/resources'
import type { FieldSpec } from '../../../src/resources/fields/field'
import { MAX_STRING_BYTES } from '../../../src/resources/fields/reader'
import { fixtureContext, fixtureEmployeeSchema, fixtureItems } from '../../support/fixtures'

/** Every path to a leaf of a JSON value. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix]
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  return entries.length === 0 ? [prefix] : entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>
  let node: Record<string | number, unknown> = copy
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (remove) delete node[last]
  else node[last] = value
  return copy
}

interface Corruption {
  remove: boolean
  value: unknown
}

const corruption = fc.oneof(
  fc.constant<Corruption>({ remove: true, value: undefined }),
  fc
    .constantFrom<unknown>(
      42.5,
      -1,
      true,
      'not-a-date',
      '2024-13-45T99:00:00Z',
      'UNKNOWN_ENUM_VALUE',
      { nested: 'object' },
      [1, 2],
      'x'.repeat(MAX_STRING_BYTES + 1),
      null,
    )
    .map((value): Corruption => ({ remove: false, value })),
)

/** Whether `value`, as Personio sent it, is itself a valid value of the field (so taking it is right). */
function validAs(field: FieldSpec, value: unknown, mapped: unknown, custom: boolean): boolean {
  switch (field.kind) {
    case 'string':
      // Custom text attributes take numbers and booleans as their text, by design (employee-schema.ts).
      return (
        mapped === value ||
        (custom && (typeof value === 'number' || typeof value === 'boolean') && mapped === String(value))
      )
    case 'long':
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && mapped === value
    case 'double':
      return typeof value === 'number' && mapped === value
    case 'decimal':
      return typeof value === 'number' && mapped === value.toFixed(field.scale ?? 2)
    case 'boolean':
      return typeof value === 'boolean' && mapped === value
    default:
      return false // no corruption above is a valid timestamp or date
  }
}

function checkResource(
  resource: Resource,
  samples: unknown[],
  context?: MappingContext,
  schema?: object,
): void {
  const type = avroTypeFor(schema ?? valueSchema(resource))
  const custom = new Set<FieldSpec>(context?.extraFields ?? [])
  const fields = [...resource.fields, ...custom]
  // Only the samples the mapping accepts as they are (the fixtures also hold refused quirks).
  const good = samples.filter((s) => {
    try {
      resource.toRecord(s, context)
      return true
    } catch {
      return false
    }
  })
  const originals = good.map((s) => resource.toRecord(s, context))
  const paths = good.map((s) => leafPaths(s))
  fc.assert(
    fc.property(fc.nat(), fc.nat(), corruption, (i, j, c) => {
      const sampleIndex = i % paths.length
      const leafs = paths[sampleIndex] as (string | number)[][]
      const path = leafs[j % leafs.length] as (string | number)[]
      const item = setAt(good[sampleIndex], path, c.value, c.remove)
      const original = originals[sampleIndex] as RecordValue
      let record: RecordValue
      try {
        record = resource.toRecord(item, context)
      } catch (error) {
        expect(error).toBeInstanceOf(MappingError)
        const e = error as MappingError
        expect(e.resource).toBe(resource.name)
        expect(e.paths.length).toBeGreaterThan(0)
        expect(e.message).toContain(`Cannot map ${resource.name}`)
        return
      }
      for (const k of resource.key) expect(record[k]).not.toBeNull()
      expect(invalidPaths(type, { ...record, __op: 'r' })).toEqual([])
      for (const field of fields) {
        const mapped = record[field.name]
        if (mapped === original[field.name]) continue
        // JSON-text fields (lists, cells) re-render their whole source; the schema judges them.
        const jsonText = field.kind === 'string' && typeof mapped === 'string' && /^[[{]/.test(mapped)
        const gone = c.remove || c.value === null
        const taken =
          jsonText || (gone ? mapped === null : validAs(field, c.value, mapped, custom.has(field)))
        const seen = { field: field.name, path: path.join('.'), corruption: c.value, mapped }
        expect({ ...seen, taken }).toEqual({ ...seen, taken: true })
      }
    }),
    { numRuns: 300 },
  )
}

const { schema: employeeSchema } = fixtureEmployeeSchema()

describe('resources > resource > bad input', () => {
  for (const resource of Object.values(resources)) {
    it(`${resource.name}: corrupt any field → a valid record or a MappingError, nothing else`, () => {
      const context = fixtureContext(resource.name)
      checkResource(
        resource,
        fixtureItems(resource.name),
        context,
        resource.name === 'employees' ? employeeSchema : undefined,
      )
    })
  }

  it('names the resource, key, field and value, and lists every problem at once', () => {
    const item = structuredClone(fixtureItems('absences')[0]) as { attributes: Record<string, unknown> }
    item.attributes.updated_at = 'gestern'
    item.attributes.status = 'vielleicht'
    item.attributes.days_count = 'five'
    const id = item.attributes.id as number
    let error: MappingError | undefined
    try {
      resources.absences.toRecord(item)
    } catch (e) {
      error = e as MappingError
    }
    expect(error).toBeInstanceOf(MappingError)
    expect(error?.key).toBe(JSON.stringify([id]))
    // An undocumented status is kept as it came (see below); a count that is not a number is not.
    expect(error?.paths.map((p) => p.path).sort()).toEqual(['attributes.days_count', 'attributes.updated_at'])
    expect(error?.message).toContain(`Cannot map absences [${id}]`)
    expect(error?.message).toContain(
      'attributes.updated_at: is not a date-time Personio uses (got "gestern")',
    )
    expect(error?.message).toContain('attributes.days_count: must be a number (got "five")')
  })

  it('reports a missing key without a key in the message', () => {
    const item = structuredClone(fixtureItems('employees')[0]) as { attributes: Record<string, unknown> }
    delete item.attributes.id
    expect(() => resources.employees.toRecord(item)).toThrow(
      /^Cannot map employees: attributes\.id\.value: is required/,
    )
  })

  it('refuses an overlong string', () => {
    const item = structuredClone(fixtureItems('document_categories')[0]) as { attributes: { name: string } }
    item.attributes.name = 'ä'.repeat(MAX_STRING_BYTES)
    expect(() => resources.document_categories.toRecord(item)).toThrow(
      /attributes\.name: is longer than 65536 bytes/,
    )
  })
})

describe('resources > values Personio has not documented', () => {
  // A new status, category or unit must never stop a record: the field is a string in the
  // contract and carries the raw value (issue: a time-off whose status became undocumented was
  // dead-lettered, so its topic kept the old value for good).
  it.each([
    ['absences', ['attributes', 'status'], 'status'],
    ['absence_periods', ['attributes', 'status'], 'status'],
    ['absence_types', ['attributes', 'category'], 'category'],
    ['absence_types', ['attributes', 'unit'], 'unit'],
    ['projects', ['status'], 'status'],
    ['attendances', ['approval', 'status'], 'status'],
    ['custom_reports_list', ['attributes', 'status'], 'status'],
  ] as const)('%s keeps an undocumented value at %j in %s', (name, path, field) => {
    const item = structuredClone(fixtureItems(name)[0]) as Record<string, unknown>
    let node = item
    for (const step of path.slice(0, -1)) node = node[step] as Record<string, unknown>
    node[path[path.length - 1] as string] = 'ENTIRELY_NEW_VALUE'
    const record = resources[name].toRecord(item, fixtureContext(name))
    expect(record[field]).toBe('ENTIRELY_NEW_VALUE')
  })

  it('employees keep an undocumented status', () => {
    const item = structuredClone(fixtureItems('employees')[0]) as {
      attributes: Record<string, { value: unknown }>
    }
    const status = item.attributes.status
    if (status === undefined) throw new Error('fixture has no status')
    status.value = 'pensioniert'
    expect(resources.employees.toRecord(item, fixtureContext('employees')).status).toBe('pensioniert')
  })
})
