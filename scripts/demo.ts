// npm run demo: the product end to end on one machine. Starts (or reuses) the local Kafka and
// schema registry, then runs a snapshot from Personio, or from the bundled simulator when no
// PERSONIO_CLIENT_ID is set, and reads one employee back from Kafka, decoded, as a consumer would.
import { Kafka, logLevel } from 'kafkajs'
import { openEngine } from '../src/capture/engine'
import { printSummary } from '../src/cli/capture-run'
import { defaultCredential, startSimulator } from '../src/simulator'
import { loadConfig } from '../src/config'
import { createSchemaRegistry } from '../src/contract/registry'
import { decodeFramed } from '../src/contract/serde'
import { PkError } from '../src/errors'
import { createLogger } from '../src/ops/logger'
import { ensureInfra } from './infra'

async function firstRecord(
  brokers: string[],
  topic: string,
): Promise<{ key: Buffer; value: Buffer | null } | undefined> {
  const kafka = new Kafka({
    brokers,
    clientId: 'demo-reader',
    logLevel: logLevel.NOTHING,
    requestTimeout: 3000,
  })
  const consumer = kafka.consumer({ groupId: `demo-${Date.now()}`, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got = await new Promise<{ key: Buffer; value: Buffer | null } | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 15_000)
    void consumer.run({
      eachMessage: async ({ message }) => {
        clearTimeout(timer)
        resolve({ key: message.key ?? Buffer.alloc(0), value: message.value })
      },
    })
  })
  await consumer.disconnect()
  return got
}

async function main(): Promise<void> {
  const env = { ...process.env }
  if (env.KAFKA_BROKERS === undefined || env.SCHEMA_REGISTRY_URL === undefined) {
    process.stderr.write('starting (or reusing) the local Kafka and schema registry …\n')
    const infra = await ensureInfra()
    env.KAFKA_BROKERS = infra.brokers.join(',')
    env.SCHEMA_REGISTRY_URL = infra.registryUrl
    env.TOPIC_REPLICATION_FACTOR ??= '1'
  }
  env.LOG_LEVEL ??= 'warn'
  const config = loadConfig({ env })
  const started = Date.now()
  const sim = await startSimulator({ employees: 50, realClock: true })
  const engine = await openEngine({
    config,
    logger: createLogger(config.log.level),
    personio: { baseUrl: sim.url, ...defaultCredential },
  })
  const events = await engine.syncOnce()
  await engine.close()
  await sim.close()
  console.log(`\nSync of the bundled simulator in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
  printSummary(events, (l) => console.log(`  ${l}`))
  const topic = `${config.topics.prefix}.employees`
  const record = await firstRecord(config.kafka.brokers, topic)
  if (record?.value) {
    const registry = createSchemaRegistry({ url: config.registry.url })
    console.log(`\nOne record of ${topic}, read back and decoded through the registry:`)
    console.log('  key:  ', JSON.stringify(await decodeFramed(registry, record.key)))
    console.log(
      '  value:',
      JSON.stringify(await decodeFramed(registry, record.value), null, 2).replace(/\n/g, '\n  '),
    )
  }
  console.log(
    `\nKafka: ${config.kafka.brokers.join(',')}   registry: ${config.registry.url}   (npm run infra:down to stop them)`,
  )
}

main().catch((error: unknown) => {
  console.error(error instanceof PkError ? `${error.code}: ${error.message}` : error)
  process.exit(1)
})
