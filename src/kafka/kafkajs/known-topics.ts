// A kafkajs client that knows its topics from the start. A new kafkajs client without topics of its
// own yet asks the brokers for the metadata of every topic of the cluster before its first request
// (a transactional producer at initProducerId, an admin at fetchOffsets). Profiled on a worker
// starting companies, those requests were 12 of every company's 14 metadata requests, and at this
// machine's 3,000 topics most of a failover's CPU. With a hundred thousand topics (docs/scale.md)
// that is about half a minute of CPU per company started. A client given a topic it will use
// anyway, one that exists, asks about that topic alone: the answer names the brokers and the
// controller all the same, which is all such a first request needs.
//
// kafkajs has no option for it: a client's cluster is made by a private factory on the Kafka
// instance, called as the client is created. `withKnownTopics` wraps that factory for the one
// synchronous call that creates a client. Should a kafkajs release rename the factory, clients are
// made as before (and `knownTopicsActive` says so; a unit test checks it).
import type { Kafka } from 'kafkajs'

const FACTORY = 'private:Kafka:createCluster'

interface ClusterLike {
  targetTopics?: unknown
}

type ClusterFactory = (options: unknown) => ClusterLike

function factoryKey(kafka: Kafka): symbol | undefined {
  return Object.getOwnPropertySymbols(kafka).find((s) => s.description === FACTORY)
}

/** Whether clients made through `withKnownTopics` will know their topics (kafkajs as expected). */
export function knownTopicsActive(kafka: Kafka): boolean {
  const key = factoryKey(kafka)
  return key !== undefined && typeof (kafka as unknown as Record<symbol, unknown>)[key] === 'function'
}

/**
 * Calls `make`, which creates kafkajs clients synchronously (kafka.producer(), kafka.admin(), …);
 * each knows `topics` from the start. The topics must exist: a client asks about them first.
 */
export function withKnownTopics<T>(kafka: Kafka, topics: readonly string[], make: () => T): T {
  const key = factoryKey(kafka)
  if (key === undefined || topics.length === 0) return make()
  const holder = kafka as unknown as Record<symbol, ClusterFactory>
  const create = holder[key]
  if (typeof create !== 'function') return make()
  holder[key] = (options) => {
    const cluster = create(options)
    if (cluster.targetTopics instanceof Set) for (const topic of topics) cluster.targetTopics.add(topic)
    return cluster
  }
  try {
    return make()
  } finally {
    holder[key] = create
  }
}
