// A kill at a crash point, in memory: the kill-case of test/support/kill-cases.ts (a `sync --once`
// killed at `<point>:<n>`, run again, then every change exactly once) without a broker or a child
// process. The engine runs on a client of the memory broker (src/kafka/memory/client.ts); the
// crash hook kills that client at the point and throws, so the engine's code stops there: every
// later call it makes to Kafka or the registry never settles, its open transaction stays open and
// its in-memory state is dropped with it. The restarted engine opens a fresh client of the same
// broker and registry, as the restarted process reconnects to the same cluster.
import type { Report } from '../../src/capture/engine/engine'
import type { PipelineEvent } from '../../src/capture/engine/coordinator'
import type { SchemaRegistryClient } from '../../src/contract/registry'
import { createSerde, decodeFramed } from '../../src/contract/serde'
import { ProcessKilled, type MemoryClient } from '../../src/kafka/memory'
import { setCrashHook, type CrashPoint } from '../../src/ops/crash-points'
import type { ResourceName } from '../../src/resources'
import type { RunningSimulator } from '../../src/simulator'
import { comparable, simulatorTable, type TopicRow } from './compacted'
import { parseCrashSpec } from './crash-at'
import { expectAllCycled } from './engine-run'
import { keyText } from './expected'
import type { MemoryWorld } from './memory-engine'

const never = <T>(): Promise<T> => new Promise<T>(() => undefined)

/** The registry as a killed process reaches it: not at all (every call never settles). */
function registryOf(client: MemoryClient, registry: SchemaRegistryClient): SchemaRegistryClient {
  const held =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      client.killed ? never() : call(...args).then((v) => (client.killed ? never() : v))
  return {
    compatibility: held((subject) => registry.compatibility(subject)),
    latest: held((subject) => registry.latest(subject)),
    register: held((subject, schema, options) => registry.register(subject, schema, options)),
    schemaById: held((id) => registry.schemaById(id)),
  }
}

/** One `sync --once` of `only` on a fresh client of the world's broker: its events. */
export async function syncOn(
  world: MemoryWorld,
  client: MemoryClient,
  only: readonly ResourceName[],
  env: Record<string, string>,
): Promise<PipelineEvent<Report>[]> {
  const engine = await world.open(env, { only, kafka: client, registry: registryOf(client, world.registry) })
  try {
    return await engine.syncOnce()
  } finally {
    await engine.close()
  }
}

/** A run that ends by itself, every resource cycled: the first sync, or the restart after a kill. */
export async function syncToEnd(
  world: MemoryWorld,
  only: readonly ResourceName[],
  env: Record<string, string>,
): Promise<PipelineEvent<Report>[]> {
  const events = await syncOn(world, world.kafka.client(), only, env)
  expectAllCycled(events)
  return events
}

/**
 * A `sync --once` killed the n-th time it reaches the point of `spec` (`<point>:<n>`). Fails when
 * the run ends, or fails, without reaching it: a run that ends by itself proves nothing.
 */
export async function syncKilledAt(
  world: MemoryWorld,
  spec: string,
  only: readonly ResourceName[],
  env: Record<string, string>,
): Promise<void> {
  const { point, nth } = parseCrashSpec(spec)
  const client = world.kafka.client()
  let reached: () => void = () => undefined
  const killed = new Promise<'killed'>((resolve) => (reached = () => resolve('killed')))
  let hits = 0
  setCrashHook((at) => {
    if (at !== point || ++hits !== nth) return
    setCrashHook(undefined)
    client.kill()
    reached()
    throw new ProcessKilled(`killed at ${spec}`)
  })
  try {
    const ran = syncOn(world, client, only, env).then(
      () => 'ended' as const,
      (error: unknown) => (client.killed ? never<'ended'>() : Promise.reject(error as Error)),
    )
    const outcome = await Promise.race([killed, ran])
    if (outcome !== 'killed') throw new Error(`${spec} was not reached (reached ${point} ${hits} times)`)
  } finally {
    setCrashHook(undefined)
  }
}

/** How often one uninterrupted `sync --once` reaches each point. */
export async function pointsReached(
  world: MemoryWorld,
  only: readonly ResourceName[],
  env: Record<string, string>,
): Promise<Partial<Record<CrashPoint, number>>> {
  const hits: Partial<Record<CrashPoint, number>> = {}
  setCrashHook((at) => void (hits[at] = (hits[at] ?? 0) + 1))
  try {
    await syncToEnd(world, only, env)
  } finally {
    setCrashHook(undefined)
  }
  return hits
}

export interface MemoryAudit {
  resource: ResourceName
  records: number
  /** key + image seen more than once, or a tombstone repeated without an upsert between */
  duplicates: string[]
  table: Map<string, TopicRow>
}

/** A topic read read_committed from the beginning, as test/support/exactly-once.ts audits a real one. */
export async function auditMemoryTopic(world: MemoryWorld, resource: ResourceName): Promise<MemoryAudit> {
  const serde = createSerde({ registry: world.registry, keyFormat: 'avro', prefix: world.prefix })
  const records = world.kafka.topic(`${world.prefix}.${resource}`)
  const seen = new Set<string>()
  const last = new Map<string, string>()
  const duplicates: string[] = []
  const table = new Map<string, TopicRow>()
  for (const rec of records) {
    if (rec.key === null) continue
    const text = keyText(resource, (await decodeFramed(world.registry, rec.key)) as Record<string, unknown>)
    if (rec.value === null) {
      if (last.get(text) === 'd') duplicates.push(`${text} tombstone twice`)
      last.set(text, 'd')
      table.delete(text)
      continue
    }
    const { record, meta } = await serde.decodeValue(rec.value)
    const image = `${text} ${JSON.stringify(record)}`
    if (seen.has(image)) duplicates.push(`${text} same image twice (op ${meta.op})`)
    seen.add(image)
    last.set(text, meta.op)
    if (meta.deleted === true) table.delete(text)
    else table.set(text, record)
  }
  return { resource, records: records.length, duplicates, table }
}

/** Every resource: no duplicates, and the compacted view equals what the simulator holds. */
export async function expectExactlyOnceInMemory(
  world: MemoryWorld,
  sim: RunningSimulator,
  only: readonly ResourceName[],
): Promise<void> {
  for (const resource of only) {
    const [audit, want] = await Promise.all([
      auditMemoryTopic(world, resource),
      simulatorTable(sim, resource),
    ])
    expect({ resource, duplicates: audit.duplicates }).toEqual({ resource, duplicates: [] })
    const rows = comparable(resource, audit.table, want)
    expect({ resource, records: audit.records, rows: rows.actual }).toEqual({
      resource,
      records: audit.records,
      rows: rows.expected,
    })
  }
}
