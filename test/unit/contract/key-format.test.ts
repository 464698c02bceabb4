import fc from 'fast-check'
import { avroTypeFor } from '../../../src/contract/avro'
import { effectiveKeyFormat, parseStringKey, stringKey } from '../../../src/contract/key-format'
import { keySchema } from '../../../src/contract/schema-builder'
import { ConfigError } from '../../../src/errors'
import { keyOf, resources } from '../../../src/resources'

describe('contract > key-format', () => {
  const all = Object.values(resources)

  it('offers string keys for single-field keys only; a composite key under string is a config error', () => {
    for (const resource of all) {
      expect(effectiveKeyFormat(resource, 'avro')).toBe('avro')
      if (resource.key.length === 1) expect(effectiveKeyFormat(resource, 'string')).toBe('string')
      else {
        expect(() => effectiveKeyFormat(resource, 'string')).toThrow(ConfigError)
        expect(() => effectiveKeyFormat(resource, 'string')).toThrow(resource.key.join(', '))
      }
    }
    expect(all.some((r) => r.key.length > 1)).toBe(true)
  })

  it('string keys round-trip and numbers print in decimal', () => {
    expect(stringKey(resources.employees, { id: 4711 }).toString()).toBe('4711')
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (id) => {
        const type = keySchema(resources.employees).fields[0]?.type
        expect(parseStringKey(resources.employees, type, stringKey(resources.employees, { id }))).toEqual({
          id,
        })
      }),
    )
  })

  it('the same key always encodes to the same Avro bytes, whatever else the record holds', () => {
    const balance = resources.employees_absences_balance
    const type = avroTypeFor(keySchema(balance))
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.string(), fc.string(), (employee_id, id, a, b) => {
        const one = type.toBuffer(keyOf(balance, { id, employee_id, name: a, __op: 'c' }))
        const two = type.toBuffer(keyOf(balance, { employee_id, name: b, id, __op: 'u' }))
        expect(one.equals(two)).toBe(true)
        expect(type.fromBuffer(one)).toEqual({ employee_id, id })
      }),
    )
  })
})
