// Java's murmur2, as Kafka's default partitioner computes it: Kafka's own test vectors
// (clients UtilsTest.testMurmur2), and kafkajs' murmur2 for keys of every length and content.
import fc from 'fast-check'
import { kafkaPartition, murmur2 } from '../../../src/hash/murmur2'

// kafkajs' murmur2, as its DefaultPartitioner uses it (not part of its typed API)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number

describe('hash > murmur2', () => {
  it("gives Kafka's documented values", () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ]
    for (const [text, hash] of cases) expect(murmur2(Buffer.from(text))).toBe(hash)
  })

  it('hashes as kafkajs (and Java) do', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const key = Buffer.from(bytes)
        expect(murmur2(key)).toBe(kafkajsMurmur2(key))
      }),
      { numRuns: 200 },
    )
  })

  it('places a key as toPositive(murmur2) % partitions, never negative', () => {
    // murmur2("21") is negative: toPositive masks the sign bit, it does not negate
    expect(kafkaPartition(Buffer.from('21'), 1000)).toBe((-973932308 & 0x7fffffff) % 1000)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.integer({ min: 1, max: 10000 }), (bytes, n) => {
        const p = kafkaPartition(bytes, n)
        expect(p >= 0 && p < n).toBe(true)
      }),
    )
  })
})
