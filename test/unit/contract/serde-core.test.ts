import fc from 'fast-check'
import { avroTypeFor } from '../../../src/contract/avro'
import { fingerprint } from '../../../src/contract/fingerprint'
import { effectiveKeyFormat, stringKey } from '../../../src/contract/key-format'
import { frame, unframe } from '../../../src/contract/wire'
import { ContractError } from '../../../src/errors'
import { resources } from '../../../src/resources'

describe('contract > wire', () => {
  it('frames with magic byte 0 and a big-endian schema id, and unframes', () => {
    const bytes = frame(258, Buffer.from([7, 8]))
    expect([...bytes]).toEqual([0, 0, 0, 1, 2, 7, 8])
    expect(unframe(bytes)).toEqual({ schemaId: 258, payload: Buffer.from([7, 8]) })
  })

  it('refuses bytes without the magic byte', () => {
    expect(() => unframe(Buffer.from([1, 0, 0, 0, 1]))).toThrow(ContractError)
    expect(() => unframe(Buffer.alloc(0))).toThrow(/magic byte missing/)
  })
})

describe('contract > logical types', () => {
  const type = avroTypeFor({
    type: 'record',
    name: 'D',
    fields: [{ name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision: 14, scale: 2 } }],
  })

  it('round-trips any decimal string with the schema scale exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n) + 1n, max: 10n ** 14n - 1n }), (unscaled) => {
        const negative = unscaled < 0n
        const digits = (negative ? -unscaled : unscaled).toString().padStart(3, '0')
        const text = `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
        expect(type.fromBuffer(type.toBuffer({ d: text }))).toEqual({ d: text })
      }),
    )
  })

  it('refuses a wrong scale, too many digits or a number', () => {
    for (const bad of ['1.5', '1.505', '1234567890123.00', 4200, 'abc'])
      expect(type.isValid({ d: bad })).toBe(false)
  })
})

describe('contract > fingerprint', () => {
  it('ignores metadata and field order, changes with any resource field', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => !k.startsWith('__')),
          fc.jsonValue(),
        ),
        (record) => {
          const reversed = Object.fromEntries(Object.entries(record).reverse())
          expect(fingerprint({ ...reversed, __op: 'u', __snapshot: true })).toBe(fingerprint(record))
          expect(fingerprint({ ...record, extra_field_x: 'changed' })).not.toBe(fingerprint(record))
        },
      ),
    )
  })
})

describe('contract > key-format', () => {
  it('uses string keys only for single-field keys', () => {
    expect(effectiveKeyFormat(resources.employees, 'string')).toBe('string')
    expect(effectiveKeyFormat(resources.employees_absences_balance, 'string')).toBe('avro')
    expect(effectiveKeyFormat(resources.employees, 'avro')).toBe('avro')
    expect(stringKey(resources.employees, { id: 4711 }).toString()).toBe('4711')
  })
})
