// The inbox's writer in memory: outside any transaction, so a write is readable at once (past the
// stable end of the partitions it wrote, which an open transaction may still hold back), sent in
// pieces below each topic's limit as the kafkajs writer sends them.
import type { DurableWriter } from '../../capture/ports'
import { KafkaError } from '../../errors'
import { chunkByBytes, DEFAULT_BATCH_BUDGET_BYTES } from '../record-size'
import type { MemoryBroker } from './broker'
import type { Faults } from './faults'

export function createMemoryDurableWriter(
  broker: MemoryBroker,
  faults: Faults,
  options: { batchBudget?: (topic: string) => number } = {},
): DurableWriter {
  const budget = options.batchBudget ?? (() => DEFAULT_BATCH_BUDGET_BYTES)
  return {
    write(records) {
      try {
        const injected = faults.takeWrite()
        if (injected !== undefined) throw new Error(injected)
        for (const chunk of chunkByBytes(records, budget)) broker.send(chunk)
        return Promise.resolve()
      } catch (error) {
        return Promise.reject(
          new KafkaError(`Writing to Kafka failed: ${(error as Error).message}`, { retriable: true }),
        )
      }
    },
    close: () => Promise.resolve(),
  }
}
