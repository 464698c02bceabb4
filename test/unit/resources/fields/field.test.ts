// resources > fields > field: a field's reader is typed by its kind, so a reader that returns the
// wrong type is a compile error (`npm run typecheck` fails on an unused @ts-expect-error), not a
// dead letter at run time.
import { avroType, f, type FieldSpec } from '../../../../src/resources/fields/field'
import { Reader } from '../../../../src/resources/fields/reader'

describe('resources > fields > field', () => {
  it('ties the reader to the kind at compile time', () => {
    const wrong: FieldSpec[] = [
      // @ts-expect-error a number for a string field
      f.string('name', 'doc', (r) => r.long(['x'])),
      // @ts-expect-error a string for a timestamp field
      f.timestamp('at', 'doc', (r) => r.string(['x'])),
      // @ts-expect-error a number for a decimal (decimals are fixed-scale strings)
      f.decimal('salary', 'doc', 14, 2, (r) => r.double(['x'])),
      // @ts-expect-error anything at all for a boolean field
      f.boolean('flag', 'doc', (r) => r.raw(['x'])),
    ]
    expect(wrong.map((w) => w.kind)).toEqual(['string', 'timestamp', 'decimal', 'boolean'])
  })

  it('reads each kind as its Avro type expects', () => {
    const r = new Reader({ n: '4200', at: '2024-05-02T10:11:12+02:00', d: '2024-05-02', ok: 1 })
    expect(f.decimal('n', '', 14, 2, (x) => x.decimal(['n'], 2, 14)).read(r, undefined)).toBe('4200.00')
    expect(f.timestamp('at', '', (x) => x.timestamp(['at'])).read(r, undefined)).toBe(
      Date.parse('2024-05-02T08:11:12Z'),
    )
    expect(f.date('d', '', (x) => x.date(['d'])).read(r, undefined)).toBe(Date.UTC(2024, 4, 2) / 86_400_000)
    expect(f.boolean('ok', '', (x) => x.boolean(['ok'])).read(r, undefined)).toBe(true)
    expect(avroType({ kind: 'decimal', precision: 14, scale: 2 })).toEqual({
      type: 'bytes',
      logicalType: 'decimal',
      precision: 14,
      scale: 2,
    })
  })
})
