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
import { ProcessKilled, type MemoryClient } from '../../src/kafka/memory'
import { setCrashHook, type CrashPoint } from '../../src/ops/crash-points'
import type { ResourceName } from '../../src/resources'
import { parseCrashSpec } from './crash-at'
import { expectAllCycled } from './engine-run'
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
