// One suite for every resource, as a function (Debezium's shared suites, minus inheritance), run on
// the documented Personio examples of test/fixtures/. Every expectation is written down beside the
// fixture, by hand from the docs: a mapping is compared with what Personio's example means, never
// with another call of itself.
import { avroTypeFor, invalidPaths } from '../../../src/contract/avro'
import { fingerprint } from '../../../src/contract/fingerprint'
import { keySchema, valueSchema } from '../../../src/contract/schema-builder'
import { MappingError } from '../../../src/errors'
import { keyOf, type MappingContext, type RecordValue, type Resource } from '../../../src/resources'

export interface ResourceCase {
  /** what the example shows, in a few words */
  title: string
  item: unknown
  /** the record fields the example fills; every other field must be null */
  record: RecordValue
}

export interface ResourceFixture {
  resource: Resource
  context?: MappingContext
  /** employees: the value schema with the custom attributes */
  schema?: object
  /** extra field names beyond the resource's declared ones (employees' custom attributes) */
  extraFields?: readonly string[]
  cases: readonly ResourceCase[]
  /**
   * values outside the documented enum (a new status Personio starts sending): the record is kept,
   * with the raw value in its string field, never dead-lettered
   */
  undocumented?: readonly { title: string; item: unknown; path: string }[]
}

/** Avro binary of a key record, written out independently of avsc: zigzag varints, length-prefixed UTF-8. */
export function keyBytes(resource: Resource, key: RecordValue): Buffer {
  const varint = (n: bigint): number[] => {
    let z = n >= 0n ? n << 1n : (-n << 1n) - 1n
    const out: number[] = []
    while (z >= 0x80n) {
      out.push(Number((z & 0x7fn) | 0x80n))
      z >>= 7n
    }
    return [...out, Number(z)]
  }
  const parts = resource.key.map((name) => {
    const value = key[name]
    const kind = resource.fields.find((f) => f.name === name)?.kind
    if (kind === 'long' || kind === 'int') return Buffer.from(varint(BigInt(value as number)))
    if (kind === 'string') {
      const text = Buffer.from(value as string, 'utf8')
      return Buffer.concat([Buffer.from(varint(BigInt(text.length))), text])
    }
    throw new Error(`key field ${name} of kind ${kind}: add it to keyBytes`)
  })
  return Buffer.concat(parts)
}

export function describeResourceContract(fx: ResourceFixture): void {
  const { resource, context } = fx
  const value = avroTypeFor(fx.schema ?? valueSchema(resource))
  const key = avroTypeFor(keySchema(resource))
  const names = [...resource.fields.map((f) => f.name), ...(fx.extraFields ?? [])]
  const expected = (c: ResourceCase): RecordValue => ({
    ...Object.fromEntries(names.map((n) => [n, null])),
    ...c.record,
  })
  const meta = { __op: 'r', __source_ts_ms: null, __snapshot: true, __deleted: null }

  describe(`resources > ${resource.name} > contract`, () => {
    it('has documented examples to test with', () => {
      expect(fx.cases.length).toBeGreaterThan(0)
    })

    it.each(fx.cases.map((c) => [c.title, c] as const))(
      'maps the documented example (%s) to the record it means',
      (_title, c) => {
        expect(resource.toRecord(c.item, context)).toEqual(expected(c))
      },
    )

    it('ignores fields Personio may add later', () => {
      for (const c of fx.cases) {
        const withExtra = { ...(c.item as object), someFutureField: { nested: true } }
        expect(resource.toRecord(withExtra, context)).toEqual(expected(c))
      }
    })

    it('encodes every record under its value schema and decodes it unchanged', () => {
      for (const c of fx.cases) {
        const event = { ...expected(c), ...meta }
        expect(invalidPaths(value, event)).toEqual([])
        expect(value.fromBuffer(value.toBuffer(event))).toEqual(event)
      }
    })

    it('encodes keys to the frozen Avro bytes, whatever the other fields hold', () => {
      for (const c of fx.cases) {
        const record = resource.toRecord(c.item, context)
        const want = keyBytes(resource, c.record)
        expect(key.toBuffer(keyOf(resource, record)).equals(want)).toBe(true)
        const others = Object.fromEntries(
          Object.entries(record).map(([n, v]) => [n, resource.key.includes(n) ? v : null]),
        )
        expect(key.toBuffer(keyOf(resource, others)).equals(want)).toBe(true)
      }
    })

    it('fingerprints the resource fields only: metadata never counts as a change', () => {
      const record = expected(fx.cases[0] as ResourceCase)
      const first = fingerprint({ ...record, __op: 'r', __snapshot: true })
      expect(fingerprint({ ...record, __op: 'u', __source_ts_ms: 1 })).toBe(first)
      const other = fx.cases[1] ?? fx.cases[0]
      if (other !== fx.cases[0]) expect(fingerprint(expected(other as ResourceCase))).not.toBe(first)
    })

    const undocumented = fx.undocumented ?? []
    if (undocumented.length > 0)
      it.each(undocumented.map((r) => [r.title, r] as const))(
        'keeps the undocumented value (%s) as it came, in its string field',
        (_title, r) => {
          const raw = r.path
            .split('.')
            .reduce<unknown>((node, step) => (node as Record<string, unknown>)?.[step], r.item)
          expect(typeof raw).toBe('string')
          const record = resource.toRecord(r.item, context)
          expect(Object.values(record)).toContain(raw)
        },
      )

    it('refuses a non-object item with a MappingError', () => {
      for (const bad of [null, 42, 'x', []])
        expect(() => resource.toRecord(bad, context)).toThrow(MappingError)
    })
  })
}
