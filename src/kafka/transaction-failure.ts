// What a transaction that did not complete means for capture, said the same way by every sink
// (kafkajs, and the in-memory one tests run on): fenced by another instance (stop: it runs the
// prefix now), unconfirmed at commit (settled by reading the state back), or aborted (retried).
import { FencedError, KafkaError, UncertainCommitError } from '../errors'

export interface FailedTransaction {
  transactionalId: string
  /** another producer registered the transactional id */
  fenced: boolean
  /** the commit was sent and not confirmed: it may have landed */
  committing: boolean
  /** where the transaction's records were written, for the settling read */
  written: UncertainCommitError['written']
}

export function transactionFailure(error: unknown, failed: FailedTransaction): KafkaError {
  const message = (error as Error).message
  if (failed.fenced)
    return new FencedError(
      `Another instance took over the transactional id ${failed.transactionalId} (this one was fenced); ` +
        'nothing of this transaction was published. One instance runs per TOPIC_PREFIX: stop the other one, or give this one its own prefix.',
      { cause: error, retriable: false },
    )
  if (failed.committing)
    return new UncertainCommitError(
      `Kafka did not confirm the commit (${message}); whether it was published is settled when the producer registers again`,
      failed.written,
      { cause: error },
    )
  return new KafkaError(`Kafka transaction aborted, nothing was published: ${message}`, {
    cause: error,
    retriable: true,
  })
}
