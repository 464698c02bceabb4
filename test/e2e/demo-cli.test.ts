// Issue #17: settings exported for a deployment's `run` must not lead the demo into its topics,
// state or transactional ids. The demo says which Kafka, prefix and client id it uses. (Its local
// Kafka is the test broker when the tests run on this checkout's local JVMs, as CI does.)
import { Kafka, logLevel } from 'kafkajs'
import { testInfra, uniqueName } from '../infra/env'
import { runCli } from '../support/cli-child'

const { brokers, registryUrl } = testInfra()

async function topicsStartingWith(prefix: string): Promise<string[]> {
  const admin = new Kafka({ brokers, clientId: 'demo-test', logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix))
  } finally {
    await admin.disconnect()
  }
}

describe('e2e > demo', () => {
  it.each([
    ['the local Kafka, whatever KAFKA_BROKERS says', [], '127.0.0.1:1', 'local'],
    [
      'the exported Kafka with --kafka-from-env',
      ['--kafka-from-env'],
      brokers.join(','),
      'from KAFKA_BROKERS',
    ],
  ])(
    'uses %s, and a prefix and client id of its own',
    async (_what, flags, kafka, source) => {
      const deployment = uniqueName('deployment')
      const run = await runCli(
        ['demo', '--duration', '10', '--employees', '5', ...flags],
        {
          KAFKA_BROKERS: kafka,
          SCHEMA_REGISTRY_URL: registryUrl,
          TOPIC_PREFIX: deployment,
          TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_CLIENT_ID: 'the-deployment',
        },
        120_000,
      )
      expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toMatchObject({ code: 0 })
      const said =
        /^demo: Kafka (\S+) and registry \S+ \(([^)]+)\), topic prefix (demo-\d+), client id (\S+)$/m.exec(
          run.stderr,
        )
      expect(said?.[2]).toContain(source)
      expect(said?.[4]).toBe('personio-kafka-demo')
      expect(said?.[1]).not.toBe('127.0.0.1:1')
      expect(await topicsStartingWith(`${deployment}.`)).toEqual([])
      expect((await topicsStartingWith(`${said?.[3] ?? 'no prefix said'}.`)).length).toBeGreaterThan(0)
    },
    180_000,
  )
})
