// Java's murmur2 as Kafka's default partitioner computes it (`Utils.murmur2`), for everything that
// must place a key where Kafka would: the in-memory Kafka's partitioner, and the partition a
// company's id falls in among the workers' companies topic (companies/partition.ts). A leaf: it
// imports nothing.

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Java's `Utils.murmur2` in 32-bit arithmetic (Math.imul multiplies as Java's int does). */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = SEED ^ length
  const length4 = Math.floor(length / 4)
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k =
      (data[i4] as number) |
      ((data[i4 + 1] as number) << 8) |
      ((data[i4 + 2] as number) << 16) |
      ((data[i4 + 3] as number) << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  const tail = length & ~3
  const rest = length % 4
  if (rest === 3) h ^= (data[tail + 2] as number) << 16
  if (rest >= 2) h ^= (data[tail + 1] as number) << 8
  if (rest >= 1) h = Math.imul(h ^ (data[tail] as number), M)
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's default partition of a key among `partitions`: `toPositive(murmur2(key)) % partitions`. */
export const kafkaPartition = (key: Uint8Array, partitions: number): number =>
  (murmur2(key) & 0x7fffffff) % partitions
