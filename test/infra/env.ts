// What integration tests use to reach the shared infrastructure the global setup provided.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { layout } from '../../src/infra/layout'

export interface TestInfra {
  brokers: string[]
  registryUrl: string
}

export function testInfra(): TestInfra {
  const brokers = process.env.KAFKA_BROKERS
  const registryUrl = process.env.SCHEMA_REGISTRY_URL
  if (brokers !== undefined && registryUrl !== undefined) {
    return { brokers: brokers.split(',').map((b) => b.trim()), registryUrl }
  }
  try {
    return JSON.parse(readFileSync(layout.testEnv, 'utf8')) as TestInfra
  } catch {
    throw new Error(
      'No Kafka/schema registry for integration tests: run them through jest (its global setup starts them), ' +
        'or set KAFKA_BROKERS and SCHEMA_REGISTRY_URL',
    )
  }
}

/** Topic, subject and group names that never collide between tests or runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}
