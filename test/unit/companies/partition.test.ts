// A company's partition of the companies topic is where Kafka's default partitioner would put a
// record keyed by its id: the same on every worker, in range, Java's toPositive(murmur2) % n.
import fc from 'fast-check'
import { companyPartition } from '../../../src/companies/partition'

// kafkajs' murmur2, as its DefaultPartitioner uses it (not part of its typed API)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number

describe('companies > partition', () => {
  it("equals Kafka's default partitioner for the id's UTF-8 bytes", () => {
    // Kafka's UtilsTest vector: murmur2("21") = -973932308; toPositive → 1173551340
    expect(companyPartition('21', 128)).toBe(1173551340 % 128)
    for (const id of ['acme', 'acme-gmbh', 'globex', 'ünïcode', '0'])
      for (const n of [1, 3, 128, 10000])
        expect(companyPartition(id, n)).toBe((kafkajsMurmur2(Buffer.from(id, 'utf8')) & 0x7fffffff) % n)
  })

  it('is stable and in range', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 63 }), fc.integer({ min: 1, max: 10000 }), (id, n) => {
        const p = companyPartition(id, n)
        expect(p).toBe(companyPartition(id, n))
        expect(Number.isInteger(p) && p >= 0 && p < n).toBe(true)
      }),
    )
  })

  it('refuses a partition count that is not a whole number ≥ 1', () => {
    expect(() => companyPartition('acme', 0)).toThrow(RangeError)
    expect(() => companyPartition('acme', 1.5)).toThrow(RangeError)
  })
})
