// Kafka security settings against the local broker's SASL_PLAINTEXT (PLAIN, SCRAM-SHA-256/512) and
// SSL listeners (src/infra/secure-listeners.ts): each connects, produces and consumes; the CLI
// publishes over SCRAM with the password read from a file; a wrong password and a missing CA each
// end in one line that names the settings to fix.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readListeners } from '../../../src/infra/secure-listeners'
import { readState } from '../../../src/infra/state'
import { exitCodes } from '../../../src/cli/exit-codes'
import type { SaslMechanism } from '../../../src/config'
import { createKafka, type KafkaSecurity } from '../../../src/kafka/kafkajs/client'
import { silentLogger } from '../../../src/ops/logger'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { hasStack, messageLines, runCli } from '../../support/cli'
import { createTopicsSettled } from '../../support/topics'

// Only the local provisioning has these listeners, and only when it is what this run uses.
function localListeners() {
  const listeners = readListeners()
  const plainPort = readState().kafka?.port
  const usesLocal = testInfra().brokers.join(',') === `127.0.0.1:${plainPort}`
  return usesLocal ? listeners : undefined
}
const listeners = localListeners()
const describeSecure = listeners === undefined ? describe.skip : describe

async function roundTrip(brokers: string[], security: KafkaSecurity): Promise<string> {
  const kafka = createKafka({ brokers, clientId: 'pk-security-test', logger: silentLogger, ...security })
  const topic = uniqueName('secure')
  const admin = kafka.admin()
  await admin.connect()
  await createTopicsSettled(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }])
  await admin.disconnect()
  const producer = kafka.producer()
  await producer.connect()
  await producer.send({
    topic,
    messages: [{ key: 'k', value: `hello over ${JSON.stringify(security.saslMechanism ?? 'tls')}` }],
  })
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: uniqueName('secure'), maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const value = await new Promise<string>((resolve) => {
    void consumer.run({ eachMessage: async ({ message }) => resolve(message.value?.toString() ?? '') })
  })
  await consumer.disconnect()
  return value
}

describeSecure('integration > kafka > TLS and SASL against the local broker', () => {
  const l = listeners as NonNullable<typeof listeners>
  const { registryUrl } = testInfra()
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({ employees: 2, rateLimits: false })
  })
  afterAll(() => sim.close())

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as SaslMechanism[])(
    'SASL %s: connects, produces and consumes',
    async (mechanism) => {
      const user = l.users[mechanism]
      const value = await roundTrip([l.sasl], {
        saslMechanism: mechanism,
        saslUsername: user.username,
        saslPassword: user.password,
      })
      expect(value).toBe(`hello over "${mechanism}"`)
    },
  )

  it('TLS with the CA from KAFKA_SSL_CA_FILE: connects, produces and consumes', async () => {
    expect(await roundTrip([l.ssl], { ssl: true, sslCaFile: l.caFile })).toBe('hello over "tls"')
  })

  const cliEnv = (kafka: Record<string, string>) => ({
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: 'sim-client',
    PERSONIO_CLIENT_SECRET: 'sim-secret',
    SCHEMA_REGISTRY_URL: registryUrl,
    TOPIC_PREFIX: uniqueName('secure'),
    TOPIC_REPLICATION_FACTOR: '1',
    LOG_LEVEL: 'warn',
    ...kafka,
  })

  it('the CLI publishes over SCRAM-SHA-512 with the password from KAFKA_SASL_PASSWORD_FILE', async () => {
    const user = l.users['scram-sha-512']
    const file = join(mkdtempSync(join(tmpdir(), 'pk-sasl-')), 'password')
    writeFileSync(file, `${user.password}\n`)
    const run = await runCli(
      ['snapshot', '--resources', 'absence_types'],
      cliEnv({
        KAFKA_BROKERS: l.sasl,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: user.username,
        KAFKA_SASL_PASSWORD_FILE: file,
      }),
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/absence_types\s+snapshot\s+[1-9]\d*/)
  })

  it('a wrong SASL password is one line naming the settings, exit 4', async () => {
    const run = await runCli(
      ['snapshot', '--resources', 'absence_types'],
      cliEnv({
        KAFKA_BROKERS: l.sasl,
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: l.users['scram-sha-256'].username,
        KAFKA_SASL_PASSWORD: 'wrong-password',
      }),
    )
    expect(run.code).toBe(exitCodes.kafka.code)
    expect(messageLines(run.stderr)).toEqual([
      expect.stringMatching(
        /^error: Kafka: the broker refused the SASL credentials \(.*\); check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
      ),
    ])
    expect(run.stderr).not.toContain('wrong-password')
    expect(hasStack(run.stderr)).toBe(false)
  })

  it('TLS without the CA is one line pointing at KAFKA_SSL_CA_FILE, exit 4', async () => {
    const run = await runCli(
      ['snapshot', '--resources', 'absence_types'],
      cliEnv({ KAFKA_BROKERS: l.ssl, KAFKA_SSL: 'true' }),
    )
    expect(run.code).toBe(exitCodes.kafka.code)
    expect(messageLines(run.stderr)).toEqual([
      expect.stringMatching(
        /^error: Kafka: TLS handshake with the broker failed \(.*\); set KAFKA_SSL_CA_FILE/,
      ),
    ])
  })
})
