// `personio-kafka run --resources employees` as a child process, the way it is deployed (compiled
// JavaScript, as in the container), against a simulator and the local infrastructure; stderr (the
// JSON log) is piped for the caller to read.
import { spawn, type ChildProcess } from 'node:child_process'
import { compiledCli } from './compiled-cli'

export function spawnRunEmployees(
  sim: { url: string },
  infra: { brokers: string[]; registryUrl: string },
  env: { TOPIC_PREFIX: string; POLL_INTERVAL_MS: string },
): ChildProcess {
  return spawn(process.execPath, [compiledCli(), 'run', '--resources', 'employees'], {
    env: {
      PATH: process.env.PATH ?? '',
      PERSONIO_BASE_URL: sim.url,
      PERSONIO_CLIENT_ID: 'sim-client',
      PERSONIO_CLIENT_SECRET: 'sim-secret',
      KAFKA_BROKERS: infra.brokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      TOPIC_REPLICATION_FACTOR: '1',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
}
