// createSerde against the real registry, on the documented examples (test/fixtures): every resource's keys and values encode and decode back
// to what went in (metadata split off again), string keys for single-field keys, and the employee
// schema swapped for a grown one without touching the key.
import { buildEmployeeValueSchema } from '../../../src/contract/employee-schema'
import { createSchemaRegistry } from '../../../src/contract/registry'
import { createSerde } from '../../../src/contract/serde'
import { unframe } from '../../../src/contract/wire'
import { ConfigError, ContractError } from '../../../src/errors'
import { resources } from '../../../src/resources'
import { testInfra, uniqueName } from '../../infra/env'
import { acceptedFixtureItems, fixtureAttributeDefinitions } from '../../support/fixtures'

const { registryUrl } = testInfra()
const definitions = fixtureAttributeDefinitions()
const employee = acceptedFixtureItems('employees')[0]
const balanceItem = acceptedFixtureItems('employees_absences_balance')[0]

describe('contract > serde', () => {
  const registry = createSchemaRegistry({ url: registryUrl })

  it('round-trips every resource: key bytes, value and metadata', async () => {
    const serde = createSerde({ registry, keyFormat: 'avro', prefix: uniqueName('serde') })
    const employeeSchema = buildEmployeeValueSchema(definitions)
    await serde.prepare(resources.employees, employeeSchema.schema)
    for (const resource of Object.values(resources)) {
      const context = resource.name === 'employees' ? { extraFields: employeeSchema.customFields } : undefined
      for (const item of acceptedFixtureItems(resource.name)) {
        const record = resource.toRecord(item, context)
        const meta = { op: 'u' as const, sourceTsMs: 1_764_000_000_001, snapshot: false }
        const decoded = await serde.decodeValue(await serde.encodeValue(resource, record, meta))
        expect(decoded.record).toEqual(record)
        expect(decoded.meta).toEqual(meta)
        const key = Object.fromEntries(resource.key.map((k) => [k, record[k]]))
        const keyBytes = await serde.encodeKey(resource, record)
        expect(await serde.decodeKey(resource, keyBytes)).toEqual(key)
        expect((await serde.encodeKey(resource, { ...key })).equals(keyBytes)).toBe(true)
      }
    }
  })

  it('refuses a value that does not fit its schema with a ContractError naming every bad field', async () => {
    const serde = createSerde({ registry, keyFormat: 'avro', prefix: uniqueName('serde-bad') })
    const employeeSchema = buildEmployeeValueSchema(definitions)
    await serde.prepare(resources.employees, employeeSchema.schema)
    const record = resources.employees.toRecord(employee, { extraFields: employeeSchema.customFields })
    const bad = { ...record, supervisor_id: 'not a number', fix_salary: '12.345', hire_date: 1.5 }
    const meta = { op: 'u' as const, snapshot: false }
    const error = await serde.encodeValue(resources.employees, bad, meta).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ContractError)
    for (const field of ['supervisor_id', 'fix_salary', 'hire_date'])
      expect((error as ContractError).message).toContain(field)
    // the same record, fixed, encodes: nothing of the failed attempt lingers
    await expect(serde.encodeValue(resources.employees, record, meta)).resolves.toBeInstanceOf(Buffer)
  })

  it('uses plain UTF-8 keys under the string format, and refuses it for composite keys', async () => {
    const serde = createSerde({ registry, keyFormat: 'string', prefix: uniqueName('serde') })
    const record = resources.employees.toRecord(employee)
    const bytes = await serde.encodeKey(resources.employees, record)
    expect(bytes.toString('utf8')).toBe(String(record.id))
    expect(await serde.decodeKey(resources.employees, bytes)).toEqual({ id: record.id })
    const balance = resources.employees_absences_balance.toRecord(balanceItem, {
      employeeId: 1,
    })
    await expect(serde.encodeKey(resources.employees_absences_balance, balance)).rejects.toThrow(ConfigError)
  })

  it('moves employees to a grown schema: new value schema id, same key bytes, old bytes still decode', async () => {
    const serde = createSerde({ registry, keyFormat: 'avro', prefix: uniqueName('serde') })
    const before = buildEmployeeValueSchema(definitions.slice(0, 2))
    const after = buildEmployeeValueSchema(definitions, before.schema)
    const first = await serde.prepare(resources.employees, before.schema)
    const oldRecord = resources.employees.toRecord(employee, { extraFields: before.customFields })
    const oldBytes = await serde.encodeValue(resources.employees, oldRecord, { op: 'c' })
    const oldKey = await serde.encodeKey(resources.employees, oldRecord)

    const second = await serde.prepare(resources.employees, after.schema)
    expect(second.valueSchemaId).not.toBe(first.valueSchemaId)
    expect(second.keySchemaId).toBe(first.keySchemaId)
    const newRecord = resources.employees.toRecord(employee, { extraFields: after.customFields })
    const newBytes = await serde.encodeValue(resources.employees, newRecord, { op: 'u' })
    expect(unframe(newBytes).schemaId).toBe(second.valueSchemaId)
    expect((await serde.encodeKey(resources.employees, newRecord)).equals(oldKey)).toBe(true)
    expect((await serde.decodeValue(oldBytes)).record).toEqual(oldRecord)
    expect((await serde.decodeValue(newBytes)).record).toEqual(newRecord)
  })
})
