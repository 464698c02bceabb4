// Waits until no transaction is pending on a topic: in every partition the stable end (what a
// read_committed reader gets up to) has reached the high watermark. A commit returns once the
// transaction coordinator has decided it; its markers reach the partitions a moment later, one
// partition at a time, and until then a reader that takes its end offsets stops short of the
// commit on some partitions (CI once read 29 of 100 just-committed records: one partition's
// share). The product's own readers wait for what their Kafka client committed
// (src/kafka/kafkajs/commit-ledger.ts); a test reads as another consumer would, so it waits for
// the topic instead. Call it only when nothing is meant to be open (the engine closed, the CLI
// exited): an open transaction never settles, and that is reported.
import '../../src/kafka/kafkajs/aborted-filter' // before kafkajs: see that file
import { Kafka, logLevel } from 'kafkajs'

/** The part of kafkajs' (internal) Cluster used here. */
interface OffsetsCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  findTopicPartitionMetadata(topic: string): { partitionId: number }[]
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>
}

type CreateCluster = (options: { allowAutoTopicCreation: boolean; isolationLevel: number }) => OffsetsCluster

const READ_UNCOMMITTED = 0
const READ_COMMITTED = 1

/**
 * kafkajs' admin asks ListOffsets read_committed only (it gives the stable end); the high watermark
 * needs read_uncommitted, which only the cluster factory behind kafka.consumer({readUncommitted})
 * takes. kafkajs 2.2.4 is frozen, so its private factory stays where it is.
 */
function clusterFactory(kafka: Kafka): CreateCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  )
  const factory = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol]
  if (typeof factory !== 'function') throw new Error('kafkajs changed: no private cluster factory on Kafka')
  return factory as CreateCluster
}

async function ends(cluster: OffsetsCluster, topic: string): Promise<Map<number, bigint>> {
  const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }))
  const [answer] = await cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }])
  return new Map((answer?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]))
}

/** Resolves once every partition of every topic has no undecided records; throws after `timeoutMs`. */
export async function waitUntilSettled(brokers: string[], topics: readonly string[], timeoutMs = 15_000) {
  const kafka = new Kafka({
    brokers,
    clientId: 'test-settled',
    logLevel: logLevel.NOTHING,
    requestTimeout: 5000,
  })
  const create = clusterFactory(kafka)
  const stable = create({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED })
  const written = create({ allowAutoTopicCreation: false, isolationLevel: READ_UNCOMMITTED })
  await Promise.all([stable.connect(), written.connect()])
  try {
    for (const topic of topics) {
      await Promise.all([stable.addTargetTopic(topic), written.addTargetTopic(topic)])
      const until = Date.now() + timeoutMs
      for (;;) {
        // the high watermark first: a stable end read after it and equal to it covers it
        const high = await ends(written, topic)
        const low = await ends(stable, topic)
        const pending = [...high].filter(([p, h]) => (low.get(p) ?? -1n) < h)
        if (pending.length === 0) break
        if (Date.now() > until)
          throw new Error(
            `${topic}: a transaction is still undecided after ${timeoutMs} ms (partition: stable end < high watermark) ` +
              pending.map(([p, h]) => `${p}: ${String(low.get(p))} < ${h}`).join(', '),
          )
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  } finally {
    await Promise.all([stable.disconnect(), written.disconnect()])
  }
}
