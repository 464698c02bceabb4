// kafkajs 2.2.4 lets a read_committed consumer see records of aborted transactions when several
// producers' transactions interleave on one partition (our state topic: one transactional producer
// per resource). Its filter walks the broker's aborted-transaction list in the order given and
// starts at most one per record, but the broker lists them in the order they ended, not by first
// offset: when a restart fences several killed transactions at once, an aborted one that started
// earlier is only noticed after its records went through — and a restore would believe fingerprints
// and a cursor that never committed. This module installs the filter the Java client uses (every
// aborted transaction whose first offset is reached is active until its producer's abort marker)
// in place of kafkajs' own. It must load before kafkajs does: import it first wherever kafkajs is.
// Nothing to do once kafkajs is replaced (ARCHITECTURE §5: kafka/ is behind a port).
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0])

interface FilterMessage {
  offset: string
  key?: Buffer | null
  isControlRecord?: boolean
  batchContext: { producerId: string; inTransaction: boolean }
}

interface AbortedTransaction {
  firstOffset: string
  producerId: string
}

export function filterAbortedMessages({
  messages,
  abortedTransactions,
}: {
  messages: FilterMessage[]
  abortedTransactions?: AbortedTransaction[]
}): FilterMessage[] {
  if (abortedTransactions === undefined || abortedTransactions.length === 0) return messages
  const pending = [...abortedTransactions].sort((a, b) =>
    BigInt(a.firstOffset) < BigInt(b.firstOffset)
      ? -1
      : BigInt(a.firstOffset) > BigInt(b.firstOffset)
        ? 1
        : 0,
  )
  const aborted = new Set<string>()
  return messages.filter((message) => {
    const offset = BigInt(message.offset)
    while (pending.length > 0 && BigInt((pending[0] as AbortedTransaction).firstOffset) <= offset)
      aborted.add(String((pending.shift() as AbortedTransaction).producerId))
    const producer = String(message.batchContext.producerId)
    if (message.isControlRecord === true) {
      if (message.key != null && Buffer.from(message.key).equals(ABORT_MARKER_KEY)) aborted.delete(producer)
      return true
    }
    return !(message.batchContext.inTransaction && aborted.has(producer))
  })
}

function install(): void {
  const target = require.resolve('kafkajs/src/consumer/filterAbortedMessages')
  const batch = require.resolve('kafkajs/src/consumer/batch')
  if (require.cache[batch] !== undefined && require.cache[target]?.exports !== filterAbortedMessages) {
    throw new Error(
      'kafkajs was loaded before src/kafka/kafkajs/aborted-filter.ts: import that module first, or read_committed reads may see aborted records',
    )
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as { new (id: string): NodeJS.Module }
  const replacement = new Module(target)
  replacement.filename = target
  replacement.loaded = true
  replacement.exports = filterAbortedMessages
  require.cache[target] = replacement
}

install()
