import fc from 'fast-check'
import { avroTypeFor } from '../../../src/contract/avro'

const decimalRecord = (precision: number, scale: number) =>
  avroTypeFor({
    type: 'record',
    name: `D${precision}_${scale}`,
    fields: [{ name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision, scale } }],
  })

/** The canonical text of an unscaled integer at a scale: what a record carries ("4200.00"). */
function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return `${negative ? '-' : ''}${text}`
}

describe('contract > logical types', () => {
  it('round-trips any decimal string with the schema scale exactly', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 38 })
          .chain((precision) =>
            fc.tuple(
              fc.constant(precision),
              fc.integer({ min: 0, max: Math.min(precision, 10) }),
              fc.bigInt({ min: -(10n ** BigInt(precision)) + 1n, max: 10n ** BigInt(precision) - 1n }),
            ),
          ),
        ([precision, scale, unscaled]) => {
          const type = decimalRecord(precision, scale)
          const text = decimalText(unscaled, scale)
          expect(type.fromBuffer(type.toBuffer({ d: text }))).toEqual({ d: text })
        },
      ),
    )
  })

  it("writes two's-complement big-endian bytes, as the Avro spec says", () => {
    const type = decimalRecord(14, 2)
    // bytes are length-prefixed (zigzag varint): 4200.00 → unscaled 420000 = 0x0668A0
    expect([...type.toBuffer({ d: '4200.00' })]).toEqual([6, 0x06, 0x68, 0xa0])
    expect([...type.toBuffer({ d: '-1.28' })]).toEqual([2, 0x80])
    expect([...type.toBuffer({ d: '1.28' })]).toEqual([4, 0x00, 0x80])
  })

  it('refuses a wrong scale, too many digits, numbers and non-decimal text', () => {
    const type = decimalRecord(14, 2)
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 6 }),
        (unscaled, scale) => {
          fc.pre(scale !== 2)
          expect(type.isValid({ d: decimalText(unscaled, scale) })).toBe(false)
        },
      ),
    )
    for (const bad of ['1234567890123.00', 4200, 'abc', '1e3', '', '+1.00', '1.'])
      expect(type.isValid({ d: bad })).toBe(false)
    expect(() => type.toBuffer({ d: '1.5' })).toThrow()
  })

  it('keeps date and timestamp-millis as plain numbers', () => {
    const type = avroTypeFor({
      type: 'record',
      name: 'T',
      fields: [
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    })
    const value = { day: 20_420, at: 1_764_362_400_123 }
    expect(type.fromBuffer(type.toBuffer(value))).toEqual(value)
  })
})
