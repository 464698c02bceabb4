// The one place the downstream test publishes changes from the simulator to Kafka.
//
// TODAY: `personio-kafka snapshot` (every record as an upsert, __op='r'; no deletes), followed by
// provisionalTombstones() in the test for the keys the simulator no longer has.
// WHEN `sync --once` EXISTS (the capture issue): set `syncCommand` to ['sync', '--once'] and
// `syncPublishesDeletes` to true (same environment as snapshot); then provisionalTombstones() is no
// longer called and can be deleted.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Kafka, logLevel } from 'kafkajs'
import { createSchemaRegistry } from '../../src/contract/registry'
import { createSerde } from '../../src/contract/serde'
import { topicFor, valueSubject } from '../../src/contract/naming'
import type { AvroRecordSchema } from '../../src/contract/schema-builder'
import { resources, type RecordValue, type ResourceName } from '../../src/resources'

const run = promisify(execFile)
const root = join(__dirname, '..', '..')

export interface SyncEnv {
  PERSONIO_BASE_URL: string
  PERSONIO_CLIENT_ID: string
  PERSONIO_CLIENT_SECRET: string
  KAFKA_BROKERS: string
  SCHEMA_REGISTRY_URL: string
  TOPIC_PREFIX: string
  [name: string]: string
}

/** The CLI command runSyncOnce runs: `snapshot` until `sync --once` exists. */
export const syncCommand: readonly string[] = ['snapshot']
/** false while syncCommand cannot publish tombstones: the test then publishes them itself. */
export const syncPublishesDeletes = false

/** Publishes the simulator's current state: creates, updates and (with sync --once) deletes. */
export async function runSyncOnce(env: SyncEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'bin', 'personio-kafka.js'), ...syncCommand], {
    env: { ...process.env, TOPIC_REPLICATION_FACTOR: '1', LOG_LEVEL: 'error', ...env },
    cwd: root,
    timeout: 180_000,
  })
  return stdout
}

/**
 * PROVISIONAL, until runSyncOnce runs `sync --once`: publishes a tombstone for every key that is
 * gone, with the product's own key encoding (createSerde().encodeKey, so the identical key bytes)
 * in one Kafka transaction, as sync will. Proves the reader side of deletes today.
 */
export async function provisionalTombstones(
  env: SyncEnv,
  gone: Partial<Record<ResourceName, RecordValue[]>>,
): Promise<number> {
  const registry = createSchemaRegistry({ url: env.SCHEMA_REGISTRY_URL })
  const serde = createSerde({ registry, keyFormat: 'avro', prefix: env.TOPIC_PREFIX })
  const messages: { topic: string; key: Buffer }[] = []
  for (const [name, keys] of Object.entries(gone) as [ResourceName, RecordValue[]][]) {
    const resource = resources[name]
    const topic = topicFor(env.TOPIC_PREFIX, name)
    // Prepare with the value schema already registered (employees carry custom attributes), so
    // nothing new is registered just to encode a key.
    const latest = await registry.latest(valueSubject(topic))
    await serde.prepare(
      resource,
      latest === undefined ? undefined : (JSON.parse(latest.schema) as AvroRecordSchema),
    )
    for (const key of keys) messages.push({ topic, key: await serde.encodeKey(resource, key) })
  }
  if (messages.length === 0) return 0
  const kafka = new Kafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: 'downstream-test',
    logLevel: logLevel.NOTHING,
    requestTimeout: 5000,
  })
  const producer = kafka.producer({
    transactionalId: `${env.TOPIC_PREFIX}.downstream-tombstones`,
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  try {
    const tx = await producer.transaction()
    try {
      for (const { topic, key } of messages) await tx.send({ topic, messages: [{ key, value: null }] })
      await tx.commit()
    } catch (error) {
      await tx.abort()
      throw error
    }
  } finally {
    await producer.disconnect()
  }
  return messages.length
}
