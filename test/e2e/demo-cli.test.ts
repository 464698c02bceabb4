// Issue #17: settings exported for a deployment's `run` must not lead the demo into its topics,
// state or transactional ids. The demo says which Kafka, prefix and client id it uses. (Its local
// Kafka is the test broker when the tests run on this checkout's local JVMs, as CI does.)
// Issue #20: the demo's simulated changes reach the topics through Personio's webhooks, delivered
// by the simulator to a receiver of the demo's own; `--no-webhooks` polls instead.
import { Kafka, logLevel } from 'kafkajs'
import { inboxEvent, inboxTopicFor } from '../../src/webhooks/inbox'
import { testInfra, uniqueName } from '../infra/env'
import { runCli } from '../support/cli-child'
import { readAll, readTable } from '../support/compacted'

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

  const kafkaFromEnv = {
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: registryUrl,
    TOPIC_REPLICATION_FACTOR: '1',
  }
  const prefixOf = (stderr: string) => /topic prefix (demo-\d+),/.exec(stderr)?.[1] ?? 'no prefix said'

  it('shows its changes arriving through Personio webhooks: deliveries in the inbox, records on the topics', async () => {
    const run = await runCli(
      ['demo', '--duration', '20', '--employees', '5', '--kafka-from-env'],
      // a deployment's receiver settings are not the demo's
      {
        ...kafkaFromEnv,
        WEBHOOK_PUBLIC_URL: 'https://hooks.example.com/deployment',
        WEBHOOK_PATH: '/deployment',
        WEBHOOK_TOKEN: 'Bearer the-deployments-own-token-0123456789',
      },
      120_000,
    )
    expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toMatchObject({ code: 0 })
    const prefix = prefixOf(run.stderr)
    const url =
      /^-- changes to employees, absences, attendances arrive through Personio webhooks at (http:\/\/127\.0\.0\.1:\d+\/personio) \(\d+ deliver(?:y|ies) so far\); the other resources are polled every 3 s$/m.exec(
        run.stdout,
      )?.[1]
    expect(url).toBeDefined()
    const final = new RegExp(
      `^changes to employees, absences, attendances arrived through Personio webhooks at ${(url ?? 'no url').replace(/\./g, '\\.')} \\((\\d+) deliver(?:y|ies)\\); the other resources were polled every 3 s$`,
      'm',
    ).exec(run.stdout)
    const delivered = Number(final?.[1] ?? 0)
    expect(delivered).toBeGreaterThanOrEqual(2)

    // the promotion (at 8 s) and the hire (at 13 s), as the demo saw them on the topic
    const promoted = new RegExp(
      `^u  ${prefix}\\.employees  \\[(\\d+)\\]  .*position=Head of People`,
      'm',
    ).exec(run.stdout)?.[1]
    const hired = new RegExp(
      `^c  ${prefix}\\.employees  \\[(\\d+)\\]  first_name=Grace last_name=Hopper`,
      'm',
    ).exec(run.stdout)?.[1]
    expect({ promoted, hired }).toEqual({ promoted: expect.any(String), hired: expect.any(String) })

    // each came in a delivery the receiver put in the inbox
    const inbox = await readAll(brokers, inboxTopicFor(prefix))
    const deliveries = inbox.filter((r) => r.headers['pk.source']?.toString() === 'delivery')
    expect(deliveries.length).toBeGreaterThanOrEqual(delivered)
    const about = new Set(deliveries.flatMap((r) => [inboxEvent(r)?.id, inboxEvent(r)?.personId]))
    expect({ promoted: about.has(promoted), hired: about.has(hired) }).toEqual({
      promoted: true,
      hired: true,
    })

    // and the employees topic holds both
    const employees = [...(await readTable(brokers, registryUrl, prefix, 'employees')).table.values()]
    expect(employees.filter((e) => e.position === 'Head of People' && e.first_name !== 'Grace')).toHaveLength(
      1,
    )
    expect(employees.filter((e) => e.first_name === 'Grace' && e.last_name === 'Hopper')).toHaveLength(1)
  }, 180_000)

  it('polls every resource with --no-webhooks', async () => {
    const run = await runCli(
      ['demo', '--duration', '10', '--employees', '5', '--kafka-from-env', '--no-webhooks'],
      kafkaFromEnv,
      120_000,
    )
    expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toMatchObject({ code: 0 })
    expect(run.stdout).toMatch(/^-- every resource is polled every 3 s \(--no-webhooks\)$/m)
    expect(run.stdout).toMatch(/^every resource was polled every 3 s \(--no-webhooks\)$/m)
    expect(run.stdout).not.toContain('webhooks at')
    const prefix = prefixOf(run.stderr)
    expect(await topicsStartingWith(`${prefix}.`)).toContain(`${prefix}.employees`)
    expect(await topicsStartingWith(`${prefix}.`)).not.toContain(inboxTopicFor(prefix))
  }, 180_000)
})
