// The cluster id of whatever Kafka answers at some brokers: the local infrastructure's readiness
// probe (src/infra/readiness.ts) asks it to tell our broker from anyone else's on the same port.
import './negative-timeouts' // Node 23+ warns of kafkajs' negative timers: see that file
import { Kafka, logLevel } from 'kafkajs'

/** The cluster id of whatever Kafka answers at `brokers` (undefined: no controller yet). */
export async function kafkaClusterId(brokers: string[]): Promise<string | undefined> {
  const admin = new Kafka({
    brokers,
    clientId: 'infra-probe',
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    // kafkajs arms a timer per request for requestTimeout (30 s by default) and does not clear it
    // on disconnect; a short one keeps `npm test` and `infra:up` from lingering after the probe.
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin()
  try {
    await admin.connect()
    const cluster = await admin.describeCluster()
    return cluster.brokers.length > 0 && cluster.controller !== null ? cluster.clusterId : undefined
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}
