// The memory Kafka places a keyed record where a broker fed by kafkajs' DefaultPartitioner (Java's
// murmur2) would: checked against kafkajs' own murmur2 for keys of every length and content.
import fc from 'fast-check'
import { murmur2, partitionFor } from '../../../../src/kafka/memory/partitioner'

// kafkajs' murmur2, as its DefaultPartitioner uses it (not part of its typed API)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number

describe('kafka > memory > partitioner', () => {
  it('hashes as kafkajs (and Java) do', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const key = Buffer.from(bytes)
        expect(murmur2(key)).toBe(kafkajsMurmur2(key))
      }),
      { numRuns: 200 },
    )
  })

  it("matches Kafka's own partition for known keys", () => {
    // Java: Utils.toPositive(Utils.murmur2("21".getBytes())) % 3, as kafkajs computes it
    const javaPartition = (text: string, n: number) => (kafkajsMurmur2(Buffer.from(text)) & 0x7fffffff) % n
    for (const text of ['', '1', '21', '321', '4321', 'employee:54321'])
      expect(partitionFor(Buffer.from(text), 3)).toBe(javaPartition(text, 3))
  })
})
