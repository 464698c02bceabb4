// In-process runs of the product against a simulator, as the capture tests drive it: one engine
// per `sync --once`, closed after; the state topic read back the way `status` reads it.
import { Kafka, logLevel } from 'kafkajs'
import { openEngine, type Report } from '../../src/capture/engine/engine'
import type { PipelineEvent } from '../../src/capture/engine/coordinator'
import { stateTopicFor } from '../../src/capture/context'
import { restoreState } from '../../src/kafka/kafkajs/state-store'
import { statusOf, type ResourceStatus } from '../../src/capture/engine/status'
import { loadConfig, type Config } from '../../src/config'
import { silentLogger } from '../../src/ops/logger'
import type { ResourceName } from '../../src/resources'
import { defaultCredential, type RunningSimulator } from '../../src/simulator'
import { testInfra } from '../infra/env'
import { expectTableToEqual, readTable, simulatorTable } from './compacted'
import { waitUntilSettled } from './settled'
import { paceFor } from './pace'

/** The environment of a run against the simulator on the test infrastructure. */
export function envFor(
  sim: RunningSimulator,
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const { brokers, registryUrl } = testInfra()
  return {
    ...paceFor(sim),
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    TOPIC_PREFIX: prefix,
    TOPIC_REPLICATION_FACTOR: '1',
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: defaultCredential.clientId,
    PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
    LOG_LEVEL: 'silent',
    ...extra,
  }
}

export function configFor(sim: RunningSimulator, prefix: string, extra: Record<string, string> = {}): Config {
  return loadConfig({ env: envFor(sim, prefix, extra) })
}

/** Each topic, read as a consumer's table, equals what the simulator serves. */
export async function expectTopicsEqualSimulator(
  sim: RunningSimulator,
  prefix: string,
  only: readonly ResourceName[],
): Promise<void> {
  const { brokers, registryUrl } = testInfra()
  for (const resource of only) {
    const [actual, expected] = await Promise.all([
      readTable(brokers, registryUrl, prefix, resource),
      simulatorTable(sim, resource),
    ])
    expectTableToEqual(resource, actual.table, expected)
  }
}

/**
 * Waits until every topic of the prefix has no undecided transaction: a test then reads what a
 * consumer reads after the commit markers landed (they land a moment after a commit returns).
 */
export async function settlePrefix(prefix: string): Promise<void> {
  const { brokers } = testInfra()
  const kafka = new Kafka({ brokers, clientId: 'test-settle', logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  let topics: string[]
  try {
    topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`))
  } finally {
    await admin.disconnect()
  }
  await waitUntilSettled(brokers, topics)
}

/** One `sync --once`; its events, failed resources included (`kind: 'stopped'`). */
export async function syncOnce(
  sim: RunningSimulator,
  prefix: string,
  extra: Record<string, string> = {},
): Promise<PipelineEvent<Report>[]> {
  const engine = await openEngine({ config: configFor(sim, prefix, extra), logger: silentLogger })
  try {
    return await engine.syncOnce()
  } finally {
    await engine.close()
    await settlePrefix(prefix)
  }
}

/** Fails with the errors when a resource did not complete its cycle. */
export function expectAllCycled(events: readonly PipelineEvent<Report>[]): void {
  const failed = events.flatMap((e) =>
    e.kind === 'cycle' ? [] : [`${e.resource}: ${String((e.error as Error).message)}`],
  )
  expect(failed).toEqual([])
}

/** What `personio-kafka status` would print, per resource. */
export async function statusFor(
  prefix: string,
  only: readonly ResourceName[],
  now = Date.now(),
): Promise<ResourceStatus[]> {
  const kafka = new Kafka({
    brokers: testInfra().brokers,
    clientId: 'test-status',
    logLevel: logLevel.NOTHING,
  })
  const state = await restoreState(kafka, stateTopicFor(prefix), `test-status.${prefix}`)
  return statusOf(state, now, only)
}

/** The cursor as the state topic holds it. */
export async function cursorOf(prefix: string, resource: ResourceName) {
  const kafka = new Kafka({
    brokers: testInfra().brokers,
    clientId: 'test-status',
    logLevel: logLevel.NOTHING,
  })
  const state = await restoreState(kafka, stateTopicFor(prefix), `test-status.${prefix}`)
  return state.cursor(resource)
}
