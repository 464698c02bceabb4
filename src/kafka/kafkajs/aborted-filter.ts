// kafkajs 2.2.4 lets a read_committed consumer see records of aborted transactions when several
// producers' transactions interleave on one partition (our state topic: one transactional producer
// per resource). Its filter walks the broker's aborted-transaction list in the order given and
// starts at most one per record, but the broker lists them in the order they ended, not by first
// offset: when a restart fences several killed transactions at once, an aborted one that started
// earlier is only noticed after its records went through — and a restore would believe fingerprints
// and a cursor that never committed. Importing this module makes every kafkajs consumer of the
// process use the filter the Java client uses (every aborted transaction whose first offset is
// reached is active until its producer's abort marker) instead of kafkajs' own.
//
// kafkajs' Batch holds its filter in a module-local constant, so the filter cannot be swapped where
// it is called. Replacing the filter's module in `require.cache` worked under node only: jest keeps
// its own module registry and ignores that write, so every test read with kafkajs' filter. Instead,
// two prototypes are patched — they are the very objects kafkajs uses in node and in each jest
// registry alike, and whether kafkajs loaded before this module does not matter:
//   Broker#fetch   remembers each partition's aborted-transaction list, keyed by its records array
//   Batch#messages the constructor's assignment of kafkajs' filtered records is replaced by ours
// `abortedFilterActive()` says whether both are in place (tests and the CLI check it).
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

// The parts of kafkajs' internals (src/broker/index.js, src/consumer/batch.js) this module touches.
interface FetchedPartition {
  messages: FilterMessage[]
  abortedTransactions?: AbortedTransaction[]
}
interface FetchResponse {
  responses: { partitions: FetchedPartition[] }[]
}
type Fetch = (this: unknown, request: unknown) => Promise<FetchResponse>
interface BatchUnderConstruction {
  rawMessages: FilterMessage[]
  messagesWithinOffset: FilterMessage[]
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Broker = require('kafkajs/src/broker') as { prototype: { fetch: Fetch } }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Batch = require('kafkajs/src/consumer/batch') as { prototype: object }

// A fetch response's records array → the aborted transactions the broker sent with it.
const abortedListOf = new WeakMap<FilterMessage[], AbortedTransaction[] | undefined>()
const kafkajsFetch = Broker.prototype.fetch

async function fetchKeepingAbortedLists(this: unknown, request: unknown): Promise<FetchResponse> {
  const response = await kafkajsFetch.call(this, request)
  for (const { partitions } of response.responses)
    for (const partition of partitions) abortedListOf.set(partition.messages, partition.abortedTransactions)
  return response
}

// Batch's constructor assigns `this.messages` once, after `rawMessages` and `messagesWithinOffset`:
// this setter runs then, and leaves an ordinary property holding our result in its place.
function setFilteredMessages(this: BatchUnderConstruction, filteredByKafkajs: FilterMessage[]): void {
  // A Batch not built from Broker#fetch (kafkajs builds none) has no list to filter with.
  const value = abortedListOf.has(this.rawMessages)
    ? filterAbortedMessages({
        messages: this.messagesWithinOffset,
        abortedTransactions: abortedListOf.get(this.rawMessages),
      }).filter((message) => message.isControlRecord !== true)
    : filteredByKafkajs
  Object.defineProperty(this, 'messages', { value, writable: true, enumerable: true, configurable: true })
}

function install(): void {
  Broker.prototype.fetch = fetchKeepingAbortedLists
  Object.defineProperty(Batch.prototype, 'messages', { set: setFilteredMessages, configurable: true })
}

/** True when the consumers of this process (this module registry, under jest) filter with ours. */
export function abortedFilterActive(): boolean {
  return (
    Broker.prototype.fetch === fetchKeepingAbortedLists &&
    Object.getOwnPropertyDescriptor(Batch.prototype, 'messages')?.set === setFilteredMessages
  )
}

install()
