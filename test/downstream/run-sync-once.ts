// The one place the downstream test publishes changes from the simulator to Kafka: the product's
// own `personio-kafka sync --once`, as a cron job would run it. Every sync also reconciles
// (RECONCILE_INTERVAL_MS=0), so deletes of incremental resources are found in the same run.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { RunningSimulator } from '../../src/simulator'
import { testInfra } from '../infra/env'

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

export const syncCommand: readonly string[] = ['sync', '--once']

/** `sync --once` of the simulator's company into the test broker and registry, under `prefix`. */
export function syncEnvFor(sim: Pick<RunningSimulator, 'url'>, prefix: string): SyncEnv {
  const { brokers, registryUrl } = testInfra()
  return {
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    TOPIC_PREFIX: prefix,
  }
}

/** Publishes the simulator's current state: creates, updates and (with sync --once) deletes. */
export async function runSyncOnce(env: SyncEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [join(root, 'bin', 'personio-kafka.js'), ...syncCommand], {
    env: {
      ...process.env,
      TOPIC_REPLICATION_FACTOR: '1',
      LOG_LEVEL: 'error',
      RECONCILE_INTERVAL_MS: '0',
      ...env,
    },
    cwd: root,
    timeout: 180_000,
  })
  return stdout
}
