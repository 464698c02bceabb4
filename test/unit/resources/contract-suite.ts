// One suite for every resource, as a function (Debezium's shared suites, minus inheritance).
import { avroTypeFor, invalidPaths } from '../../../src/contract/avro'
import { keySchema, valueSchema } from '../../../src/contract/schema-builder'
import { MappingError } from '../../../src/errors'
import { keyOf, type MappingContext, type Resource } from '../../../src/resources'

export function describeResourceContract(
  resource: Resource,
  items: readonly unknown[],
  context?: MappingContext,
  schema?: object,
): void {
  describe(`resources > ${resource.name} > contract`, () => {
    const value = avroTypeFor(schema ?? valueSchema(resource))
    const key = avroTypeFor(keySchema(resource))

    it('has items to test with', () => {
      expect(items.length).toBeGreaterThan(0)
    })

    it('maps every item to a record the value schema accepts, key fields present', () => {
      for (const item of items) {
        const record = resource.toRecord(item, context)
        expect(
          invalidPaths(value, {
            ...record,
            __op: 'r',
            __source_ts_ms: null,
            __snapshot: true,
            __deleted: null,
          }),
        ).toEqual([])
        expect(invalidPaths(key, keyOf(resource, record))).toEqual([])
        for (const k of resource.key) expect(record[k]).not.toBeNull()
      }
    })

    it('is deterministic and ignores unknown extra fields', () => {
      for (const item of items.slice(0, 5)) {
        const withExtra = { ...(item as object), someFutureField: { nested: true } }
        expect(resource.toRecord(withExtra, context)).toEqual(resource.toRecord(item, context))
        expect(resource.toRecord(structuredClone(item), context)).toEqual(resource.toRecord(item, context))
      }
    })

    it('encodes the same key to the same bytes', () => {
      const record = resource.toRecord(items[0], context)
      const a = key.toBuffer(keyOf(resource, record))
      const b = key.toBuffer(keyOf(resource, resource.toRecord(structuredClone(items[0]), context)))
      expect(a.equals(b)).toBe(true)
    })

    it('refuses a non-object item with a MappingError', () => {
      for (const bad of [null, 42, 'x', []])
        expect(() => resource.toRecord(bad, context)).toThrow(MappingError)
    })
  })
}
