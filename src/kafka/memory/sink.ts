// A resource's transactional writer in memory, shaped as the kafkajs one
// (src/kafka/kafkajs/transactional-sink.ts) so it fails the same ways: a transaction is sent in
// pieces below the topic's limit, a stage's consumed offsets ride in it, and the errors are the
// ones capture handles — KafkaError (aborted, retriable), FencedError (a newer writer registered
// the id), UncertainCommitError (the commit got no answer; `written` says where its records are).
import { crashPoint } from '../../ops/crash-points'
import type { ConsumedOffsets, OutgoingRecord, TransactionalSink } from '../port'
import { chunkByBytes, DEFAULT_BATCH_BUDGET_BYTES } from '../record-size'
import { transactionFailure } from '../transaction-failure'
import type { MemoryBroker, Written } from './broker'
import type { Faults, PublishFault } from './faults'
import type { Txn } from './log'

export interface MemorySinkOptions {
  transactionalId: string
  /** the resource the faults are queued under */
  resource: string
  batchBudget?: (topic: string) => number
  faults: Faults
}

class Fenced extends Error {}

export function createMemorySink(broker: MemoryBroker, options: MemorySinkOptions): TransactionalSink {
  const id = options.transactionalId
  const budget = options.batchBudget ?? (() => DEFAULT_BATCH_BUDGET_BYTES)
  // this writer's epoch; undefined until it registers, and again once it is replaced after a
  // failure it could not abort (as the kafkajs sink replaces its producer)
  let epoch: number | undefined
  const open = (): Promise<void> => {
    epoch ??= broker.register(id)
    return Promise.resolve()
  }
  const checkFenced = (txn?: Txn) => {
    if (broker.epoch(id) !== epoch || txn?.status === 'aborted')
      throw new Fenced(`producer epoch ${String(epoch)} of ${id} is fenced`)
  }

  async function once(
    records: readonly OutgoingRecord[],
    consumed: ConsumedOffsets | undefined,
    fault: PublishFault | undefined,
  ): Promise<void> {
    let txn: Txn | undefined
    let committing = false
    const written: Written[] = []
    try {
      checkFenced()
      txn = broker.begin(id)
      for (const chunk of chunkByBytes(records, budget)) {
        written.push(...broker.send(chunk, txn))
        // a send is a round trip: whatever else runs meanwhile (a newer writer registering) does
        await Promise.resolve()
        checkFenced(txn)
      }
      if (records.length > 0) crashPoint('after-send-before-commit')
      if (fault?.kind === 'fail') throw new Error(fault.message)
      if (consumed !== undefined) {
        txn.consumed = consumed
        crashPoint('after-offsets-before-commit')
      }
      checkFenced(txn)
      committing = true
      if (fault?.kind === 'uncertain') {
        if (fault.committed) broker.decide(txn, 'committed')
        throw new Error(fault.message)
      }
      broker.decide(txn, 'committed')
      crashPoint('after-commit-in-sink')
    } catch (error) {
      const fenced = error instanceof Fenced
      const aborted = !committing && !fenced && txn !== undefined
      if (aborted) broker.decide(txn as Txn, 'aborted')
      else epoch = undefined
      throw transactionFailure(error, { transactionalId: id, fenced, committing, written })
    }
  }

  return {
    open,
    async publish(records, consumed) {
      if (records.length === 0 && consumed === undefined) return
      await open()
      await once(records, consumed, options.faults.takePublish(options.resource))
    },
    close: () => Promise.resolve(),
  }
}
