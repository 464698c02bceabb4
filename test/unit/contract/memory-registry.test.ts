// The memory registry answers as a Confluent registry does for what the serde and `schemas check`
// ask: one id per schema, versions per subject, a frozen key subject, an incompatible change
// refused at the subject's level, and framed records decoded by id.
import { createMemoryRegistry } from '../../../src/contract/memory-registry'
import { createSerde } from '../../../src/contract/serde'
import { ContractError } from '../../../src/errors'
import { resources } from '../../../src/resources'
import { acceptedFixtureItems } from '../../support/fixtures'

const record = (fields: object[]) => ({ type: 'record', name: 'R', namespace: 'n', fields })
const v1 = record([{ name: 'id', type: 'long' }])
const withDefault = record([
  { name: 'id', type: 'long' },
  { name: 'note', type: ['null', 'string'], default: null },
])
const withoutDefault = record([
  { name: 'id', type: 'long' },
  { name: 'note', type: 'string' },
])

describe('contract > memory-registry', () => {
  it('gives the same id to the same schema, whatever its whitespace, in any subject', async () => {
    const registry = createMemoryRegistry()
    const id = await registry.register('a-value', v1)
    expect(await registry.register('a-value', JSON.parse(JSON.stringify(v1)) as object)).toBe(id)
    expect(await registry.register('b-value', v1)).toBe(id)
    expect(await registry.latest('a-value')).toEqual({ id, version: 1, schema: JSON.stringify(v1) })
    expect(await registry.schemaById(id)).toBe(JSON.stringify(v1))
    await expect(registry.schemaById(99)).rejects.toThrow(ContractError)
  })

  it('registers a BACKWARD-compatible change as a new version, and refuses an incompatible one', async () => {
    const registry = createMemoryRegistry()
    await registry.register('a-value', v1)
    expect(await registry.compatibility('a-value')).toBe('BACKWARD')
    const next = await registry.register('a-value', withDefault)
    expect(await registry.latest('a-value')).toMatchObject({ id: next, version: 2 })
    const refused = registry.register('a-value', withoutDefault)
    await expect(refused).rejects.toThrow(ContractError)
    await expect(refused).rejects.toThrow(/not BACKWARD-compatible with version 2; nothing was published/)
    expect(registry.versions('a-value')).toHaveLength(2)
    expect(await registry.check('a-value', withoutDefault)).toMatchObject({ state: 'incompatible' })
    expect(await registry.check('a-value', withDefault)).toEqual({ state: 'identical', id: next, version: 2 })
    expect(await registry.check('new-value', v1)).toEqual({ state: 'new' })
  })

  it("respects the subject's own level: NONE takes anything, FORWARD asks the old to read the new", async () => {
    const registry = createMemoryRegistry()
    await registry.register('a-value', v1)
    registry.setCompatibility('a-value', 'NONE')
    await expect(registry.register('a-value', withoutDefault)).resolves.toEqual(expect.any(Number))
    registry.setCompatibility('b-value', 'FORWARD')
    await registry.register('b-value', withDefault)
    // the old (with `note`, defaulted) reads the new, which has none
    await expect(registry.register('b-value', v1)).resolves.toEqual(expect.any(Number))
    registry.setCompatibility('c-value', 'FORWARD')
    await registry.register('c-value', withoutDefault)
    // the old needs `note` and the new has none: refused
    await expect(registry.register('c-value', v1)).rejects.toThrow(/not FORWARD-compatible/)
    expect(await registry.subjects()).toEqual(['a-value', 'b-value', 'c-value'])
  })

  it('a frozen key subject accepts its one schema only', async () => {
    const registry = createMemoryRegistry()
    const id = await registry.register('a-key', v1, { frozen: true })
    expect(await registry.register('a-key', v1, { frozen: true })).toBe(id)
    await expect(registry.register('a-key', withDefault, { frozen: true })).rejects.toThrow(/is frozen/)
  })

  it('serves the serde: records encoded with its ids decode again', async () => {
    const registry = createMemoryRegistry()
    const serde = createSerde({ registry, keyFormat: 'avro', prefix: 'p' })
    const absenceTypes = resources.absence_types
    const row = absenceTypes.toRecord(acceptedFixtureItems('absence_types')[0])
    const value = await serde.encodeValue(absenceTypes, row, { op: 'c' })
    const key = await serde.encodeKey(absenceTypes, row)
    expect(await registry.subjects()).toEqual(['p.absence_types-key', 'p.absence_types-value'])
    expect(await serde.decodeKey(absenceTypes, key)).toEqual({ id: row.id })
    expect(await serde.decodeValue(value)).toMatchObject({ record: row, meta: { op: 'c' } })
  })
})
