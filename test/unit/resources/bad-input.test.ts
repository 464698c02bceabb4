// Malformed Personio items: the mapping answers with a MappingError naming the resource, the key
// (when known), the field path and the value, or maps the item; it never throws anything else and
// never returns a half-filled record.
import fc from 'fast-check'
import { MappingError } from '../../../src/errors'
import { resources, type Resource } from '../../../src/resources'
import { MAX_STRING_BYTES } from '../../../src/resources/fields/reader'
import { simCompany, simItems } from '../../support/sim-items'

const items = simItems(simCompany(4, 11))

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

const corruption = fc.oneof(
  fc.constant({ remove: true, value: undefined }),
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
    .map((value) => ({ remove: false, value })),
)

function checkResource(resource: Resource, samples: unknown[]): void {
  const paths = samples.slice(0, 3).map((s) => leafPaths(s))
  fc.assert(
    fc.property(fc.nat(), fc.nat(), corruption, (i, j, c) => {
      const sampleIndex = i % paths.length
      const leafs = paths[sampleIndex] as (string | number)[][]
      const path = leafs[j % leafs.length] as (string | number)[]
      const item = setAt(samples[sampleIndex], path, c.value, c.remove)
      try {
        const record = resource.toRecord(item)
        for (const k of resource.key) expect(record[k]).not.toBeNull()
      } catch (error) {
        expect(error).toBeInstanceOf(MappingError)
        const e = error as MappingError
        expect(e.resource).toBe(resource.name)
        expect(e.paths.length).toBeGreaterThan(0)
        expect(e.message).toContain(`Cannot map ${resource.name}`)
      }
    }),
    { numRuns: 300 },
  )
}

describe('resources > bad input', () => {
  for (const resource of Object.values(resources)) {
    if (resource.name === 'employees') continue // custom fields need a context; covered below
    it(`${resource.name}: corrupt any field → a record or a MappingError, nothing else`, () => {
      checkResource(resource, items[resource.name])
    })
  }

  it('employees: corrupt any field → a record or a MappingError, nothing else', () => {
    checkResource(resources.employees, items.employees)
  })

  it('names the resource, key, field and value, and lists every problem at once', () => {
    const item = structuredClone(items.absences[0]) as { attributes: Record<string, unknown> }
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
    // An undocumented status is kept as it came (see below); a non-number count is not.
    expect(error?.paths.map((p) => p.path).sort()).toEqual(['attributes.days_count', 'attributes.updated_at'])
    expect(error?.message).toContain(`Cannot map absences [${id}]`)
    expect(error?.message).toContain(
      'attributes.updated_at: is not a date-time Personio uses (got "gestern")',
    )
    expect(error?.message).toContain('attributes.days_count: must be a number (got "five")')
  })

  it('reports a missing key without a key in the message', () => {
    const item = structuredClone(items.employees[0]) as { attributes: Record<string, unknown> }
    delete item.attributes.id
    expect(() => resources.employees.toRecord(item)).toThrow(
      /^Cannot map employees: attributes\.id\.value: is required/,
    )
  })

  it('refuses an overlong string', () => {
    const item = structuredClone(items.document_categories[0]) as { attributes: { name: string } }
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
    const item = structuredClone(items[name][0]) as Record<string, unknown>
    let node = item
    for (const step of path.slice(0, -1)) node = node[step] as Record<string, unknown>
    node[path[path.length - 1] as string] = 'ENTIRELY_NEW_VALUE'
    const record = resources[name].toRecord(item)
    expect(record[field]).toBe('ENTIRELY_NEW_VALUE')
  })

  it('employees keep an undocumented status', () => {
    const item = structuredClone(items.employees[0]) as { attributes: Record<string, { value: unknown }> }
    const status = item.attributes.status
    if (status === undefined) throw new Error('fixture has no status')
    status.value = 'pensioniert'
    expect(resources.employees.toRecord(item).status).toBe('pensioniert')
  })
})
