// Provides one real Kafka broker and one real schema registry to the integration tests. Order of
// choice: KAFKA_BROKERS + SCHEMA_REGISTRY_URL from the environment; else Docker through
// testcontainers when an engine answers; else the local JVM provisioning (src/infra); else a
// clear error saying what to install. Test workers inherit the two variables.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensureInfra } from '../../src/infra'
import { layout } from '../../src/infra/layout'
import { dockerAvailable, startDockerInfra } from './docker'

declare global {
  // Shared with global-teardown.ts (same process): what this run started and must stop.
  var __pkStopInfra: (() => Promise<void>) | undefined
}

function publish(brokers: string[], registryUrl: string, source: string): void {
  process.env.KAFKA_BROKERS = brokers.join(',')
  process.env.SCHEMA_REGISTRY_URL = registryUrl
  mkdirSync(dirname(layout.testEnv), { recursive: true })
  writeFileSync(layout.testEnv, JSON.stringify({ brokers, registryUrl }))
  process.stderr.write(
    `\nintegration infra (${source}): Kafka ${brokers.join(',')}, registry ${registryUrl}\n`,
  )
}

export default async function globalSetup(): Promise<void> {
  const { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registryUrl } = process.env
  if (brokers !== undefined && registryUrl !== undefined) {
    publish(brokers.split(','), registryUrl, 'environment')
    return
  }
  if (await dockerAvailable()) {
    const docker = await startDockerInfra()
    globalThis.__pkStopInfra = docker.stop
    publish(docker.brokers, docker.registryUrl, 'testcontainers')
    return
  }
  const local = await ensureInfra()
  if (local.startedByUs) {
    // Stop only what this run started: a developer's `npm run infra:up` stays up.
    const { stopInfra } = await import('../../src/infra')
    globalThis.__pkStopInfra = stopInfra
  }
  publish(local.brokers, local.registryUrl, local.startedByUs ? 'started locally' : 'already running locally')
}
