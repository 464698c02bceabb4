// A whole engine without a broker or a registry: openEngine against the Personio simulator with
// the in-memory Kafka (src/kafka/memory/) and schema registry (src/contract/memory-registry.ts),
// and the topics read back as the integration tests read real ones — as a consumer's table, keys
// and values decoded with the writer schemas — so the same assertions hold in milliseconds. The
// state topic reads back as `status` reads it, and a topic is audited for exactly once the way
// test/support/exactly-once.ts audits a real one.
import { openEngine, type Engine, type EngineOptions, type Report } from '../../src/capture/engine/engine'
import type { PipelineEvent } from '../../src/capture/engine/coordinator'
import { stateTopicFor } from '../../src/capture/context'
import { statusOf, type ResourceStatus } from '../../src/capture/engine/status'
import type { Cursor } from '../../src/capture/state/cursor'
import { newCaptureState } from '../../src/capture/state/restore'
import type { CaptureState } from '../../src/capture/state/state'
import { createMemoryRegistry, type MemoryRegistry } from '../../src/contract/memory-registry'
import { createSerde, decodeFramed } from '../../src/contract/serde'
import { loadConfig, type Config } from '../../src/config'
import { createMemoryKafka, type MemoryKafka, type MemoryKafkaOptions } from '../../src/kafka/memory'
import { silentLogger } from '../../src/ops/logger'
import type { ConsumedOffsets } from '../../src/kafka/port'
import { DEFAULT_BATCH_BUDGET_BYTES } from '../../src/kafka/record-size'
import type { ResourceName } from '../../src/resources'
import { defaultCredential, type RunningSimulator } from '../../src/simulator'
import {
  registryDecoder,
  expectTableToEqual,
  simulatorTable,
  type ExpectedOptions,
  type TopicRead,
  type TopicRow,
} from './compacted'
import { auditRecords, expectAuditEquals, type TopicAudit } from './exactly-once'
import { keyText } from './expected'
import { paceFor } from './pace'

export interface MemoryWorld {
  kafka: MemoryKafka
  registry: MemoryRegistry
  prefix: string
  /** the configuration of a run against the simulator; no broker or registry address is used */
  config(extra?: Record<string, string>): Config
  /** an engine on this world's Kafka and registry; the caller closes it */
  open(extra?: Record<string, string>, options?: Partial<EngineOptions>): Promise<Engine>
  /** one `sync --once` (an engine opened, synced and closed): its events */
  syncOnce(extra?: Record<string, string>, options?: Partial<EngineOptions>): Promise<PipelineEvent<Report>[]>
  /** one `snapshot` (an engine opened, every resource re-read in full, closed): its events */
  snapshotOnce(extra?: Record<string, string>): Promise<PipelineEvent<Report>[]>
  /** a topic of the prefix as a consumer's table (read_committed, last value per key) */
  readTable(resource: ResourceName): Promise<TopicRead>
  /** the keys (as key text) whose last event on the resource's topic is a delete */
  deletedKeys(resource: ResourceName): Promise<string[]>
  /** how many committed records the resource's topic holds */
  size(resource: ResourceName): number
  /** each resource's topic, as a table, equals what the simulator serves */
  expectTopicsEqualSimulator(only: readonly ResourceName[]): Promise<void>
  /** every change exactly once on each topic, and its table equal to the simulator's */
  expectExactlyOnce(only: readonly ResourceName[], expected?: ExpectedOptions): Promise<TopicAudit[]>
  /** capture's state as the state topic holds it */
  state(): Promise<CaptureState>
  /** a resource's cursor as the state topic holds it */
  cursor(resource: ResourceName): Promise<Cursor>
  /** what `personio-kafka status` would print, per resource */
  status(only: readonly ResourceName[], now?: number): Promise<ResourceStatus[]>
  /**
   * A consumer group moved to the end of `topics`, as `kafka-consumer-groups --reset-offsets
   * --to-latest` moves it: committed in a transaction of its own, which publishes nothing.
   */
  moveGroupToEnd(groupId: string, topics: readonly string[]): Promise<void>
}

export function memoryWorld(
  sim: RunningSimulator,
  prefix = 'memory',
  options: MemoryKafkaOptions = {},
): MemoryWorld {
  const kafka = createMemoryKafka(options)
  const registry = createMemoryRegistry()
  const serde = createSerde({ registry, keyFormat: 'avro', prefix })
  const config = (extra: Record<string, string> = {}) =>
    loadConfig({
      env: {
        ...paceFor(sim),
        // never dialled: the engine is given this world's Kafka and registry
        KAFKA_BROKERS: 'memory.invalid:9092',
        SCHEMA_REGISTRY_URL: 'http://memory.invalid',
        TOPIC_PREFIX: prefix,
        PERSONIO_BASE_URL: sim.url,
        PERSONIO_CLIENT_ID: defaultCredential.clientId,
        PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
        LOG_LEVEL: 'silent',
        ...extra,
      },
    })
  const open = (extra: Record<string, string> = {}, more: Partial<EngineOptions> = {}) =>
    openEngine({ config: config(extra), logger: silentLogger, kafka, registry, ...more })

  const topicOf = (resource: ResourceName) => `${prefix}.${resource}`
  const keyOf = async (resource: ResourceName, bytes: Buffer) =>
    keyText(resource, (await decodeFramed(registry, bytes)) as Record<string, unknown>)
  const state = () =>
    kafka.state({ stateTopic: stateTopicFor(prefix), groupPrefix: prefix }).restore(newCaptureState())

  async function readTable(resource: ResourceName): Promise<TopicRead> {
    const records = kafka.topic(topicOf(resource))
    const table = new Map<string, TopicRow>()
    const lastOp = new Map<string, string>()
    for (const record of records) {
      if (record.key === null) continue
      const text = await keyOf(resource, record.key)
      const decoded = record.value === null ? undefined : await serde.decodeValue(record.value)
      lastOp.set(text, decoded?.meta.op ?? 'd')
      if (decoded === undefined || decoded.meta.deleted === true) table.delete(text)
      else table.set(text, decoded.record)
    }
    return { records, table, lastOp }
  }

  /** As exactly-once.ts audits a real topic. */
  const audit = (resource: ResourceName): Promise<TopicAudit> =>
    auditRecords(resource, kafka.topic(topicOf(resource)), registryDecoder(registry, prefix))

  return {
    kafka,
    registry,
    prefix,
    config,
    open,
    async syncOnce(extra, options) {
      const engine = await open(extra, options)
      try {
        return await engine.syncOnce()
      } finally {
        await engine.close()
      }
    },
    async snapshotOnce(extra) {
      const engine = await open(extra)
      try {
        return await engine.snapshot()
      } finally {
        await engine.close()
      }
    },
    readTable,
    async deletedKeys(resource) {
      const { lastOp } = await readTable(resource)
      return [...lastOp].filter(([, op]) => op === 'd').map(([key]) => key)
    },
    size: (resource) => kafka.topic(topicOf(resource)).length,
    async expectTopicsEqualSimulator(only) {
      for (const resource of only) {
        const [actual, expected] = await Promise.all([readTable(resource), simulatorTable(sim, resource)])
        expectTableToEqual(resource, actual.table, expected)
      }
    },
    async expectExactlyOnce(only, expected = {}) {
      const audits: TopicAudit[] = []
      for (const resource of only) {
        const [found, want] = await Promise.all([audit(resource), simulatorTable(sim, resource, expected)])
        expectAuditEquals(found, want)
        audits.push(found)
      }
      return audits
    },
    state,
    cursor: async (resource) => (await state()).cursor(resource),
    status: async (only, now = Date.now()) => statusOf(await state(), now, only),
    async moveGroupToEnd(groupId, topics) {
      const offsets: ConsumedOffsets['offsets'] = topics.flatMap((topic) => {
        const ends = new Map<number, number>()
        for (const r of kafka.topic(topic, 'read_uncommitted'))
          ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, Number(r.offset) + 1))
        return [...ends].map(([partition, end]) => ({ topic, partition, offset: String(end) }))
      })
      // a writer of its own: the resources' transactional ids (and whoever holds them) stay untouched
      const mover = kafka.events({ prefix, batchBudget: () => DEFAULT_BATCH_BUDGET_BYTES })
      try {
        await mover.publish('test-group-mover', [], { groupId, offsets })
      } finally {
        await mover.close()
      }
    },
  }
}
