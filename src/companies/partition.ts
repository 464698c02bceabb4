// The partition of the companies topic a company belongs to: Kafka's default partitioner over the
// id's UTF-8 bytes. Workers hold partitions (Kafka's group protocol assigns them), and a company
// runs on the worker holding its partition; being Kafka's own placement, a compacted topic keyed by
// company id would put each company's record in the partition its owner already holds.
import { kafkaPartition } from '../hash/murmur2'

export function companyPartition(id: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new RangeError(`companyPartition: partitions must be a whole number ≥ 1, got ${partitions}`)
  return kafkaPartition(Buffer.from(id, 'utf8'), partitions)
}
