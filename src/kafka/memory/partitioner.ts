// Which partition a keyed record goes to: Java's murmur2 of the key bytes, as Kafka's default
// partitioner and kafkajs' DefaultPartitioner compute it, so a record lands in memory where it
// would land on a broker (and per-key order holds within its partition the same way).
import { kafkaPartition } from '../../hash/murmur2'

/** The partition of a key among `partitions`: `toPositive(murmur2(key)) % partitions`. */
export const partitionFor = (key: Buffer, partitions: number): number => kafkaPartition(key, partitions)
