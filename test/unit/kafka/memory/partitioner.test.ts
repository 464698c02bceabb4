// The memory Kafka places a keyed record where a broker fed by kafkajs' DefaultPartitioner (Java's
// murmur2) would. The hash itself is proven in test/unit/hash/murmur2.test.ts.
import { partitionFor } from '../../../../src/kafka/memory/partitioner'

// kafkajs' murmur2, as its DefaultPartitioner uses it (not part of its typed API)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number

describe('kafka > memory > partitioner', () => {
  it("matches Kafka's own partition for known keys", () => {
    // Java: Utils.toPositive(Utils.murmur2("21".getBytes())) % 3, as kafkajs computes it
    const javaPartition = (text: string, n: number) => (kafkajsMurmur2(Buffer.from(text)) & 0x7fffffff) % n
    for (const text of ['', '1', '21', '321', '4321', 'employee:54321'])
      expect(partitionFor(Buffer.from(text), 3)).toBe(javaPartition(text, 3))
  })
})
