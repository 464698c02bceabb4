// What this process's own transactions committed, per partition. A commit returns once the
// transaction coordinator has decided it; the markers that make it visible to read_committed
// readers reach the partitions a moment later. Until then the last stable offset stays in front of
// the transaction, so a reader that takes its end offsets right after the commit (a stage in
// `sync --once` reading the topic its parent has just written, a restore after a fence) would stop
// short of it and pick it up only on the next run. A feed waits until the end offsets it starts
// from cover what this process committed.
//
// One ledger per Kafka client (the engine's), keyed by topic and partition: every producer and
// reader the engine makes from its client shares it, and nothing else does — two engines in one
// process never wait on each other's transactions.
type Ledger = Map<string, bigint>
const ledgers = new WeakMap<object, Ledger>()
const ledgerOf = (client: object): Ledger => {
  let ledger = ledgers.get(client)
  if (ledger === undefined) ledgers.set(client, (ledger = new Map()))
  return ledger
}

const keyOf = (topic: string, partition: number) => `${topic}#${partition}`

/** The first offset of a committed transaction's records in each partition it wrote. */
export function recordCommitted(
  client: object,
  batches: readonly { topicName: string; partition: number; baseOffset?: string }[],
): void {
  const ledger = ledgerOf(client)
  for (const b of batches) {
    if (b.baseOffset === undefined || b.baseOffset === '-1') continue
    const key = keyOf(b.topicName, b.partition)
    const at = BigInt(b.baseOffset)
    if ((ledger.get(key) ?? -1n) < at) ledger.set(key, at)
  }
}

/**
 * Whether a read_committed end offset `stableEnd` of a partition already lies past everything this
 * process committed there: the stable offset never passes an unresolved transaction's first record,
 * so being beyond a transaction's first record means its markers have landed.
 */
function covers(ledger: Ledger, topic: string, partition: number, stableEnd: bigint): boolean {
  const committed = ledger.get(keyOf(topic, partition))
  return committed === undefined || stableEnd > committed
}

/**
 * A topic's read_committed end offsets (`high`), fetched again until they cover every transaction
 * this process committed there. Markers land within milliseconds; after `waitMs` the last answer
 * is taken as it is (the reader then misses only what a later read will find).
 */
export async function committedEnds<T extends { partition: number; high: string }>(
  client: object,
  topic: string,
  fetch: () => Promise<T[]>,
  waitMs = 5_000,
): Promise<T[]> {
  const ledger = ledgerOf(client)
  const until = Date.now() + waitMs
  for (;;) {
    const ends = await fetch()
    if (ends.every((p) => covers(ledger, topic, p.partition, BigInt(p.high))) || Date.now() >= until)
      return ends
    await new Promise((r) => setTimeout(r, 20))
  }
}
