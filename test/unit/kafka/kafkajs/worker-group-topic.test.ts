// The companies topic against a stand-in for kafkajs' admin client: created compacted with the
// broker's default replication, or with min(3, brokers) where the cluster refuses that; an existing
// one is used with the partitions it has, said once.
import type { Admin } from 'kafkajs'
import { KafkaError } from '../../../../src/errors'
import { ensureCompaniesTopic } from '../../../../src/kafka/kafkajs/worker-group-topic'

interface Created {
  topic: string
  numPartitions?: number
  replicationFactor?: number
  configEntries?: { name: string; value: string }[]
}

function cluster(o: { existing?: number; brokers?: number; refuses?: (rf: number) => boolean } = {}) {
  let partitions = o.existing
  const created: Created[] = []
  const admin = {
    createTopics: ({ topics }: { topics: Created[] }) => {
      const t = topics[0] as Created
      if (o.refuses?.(t.replicationFactor ?? 0) === true)
        return Promise.reject(
          Object.assign(new Error('Topic creation errors'), {
            name: 'KafkaJSAggregateError',
            errors: [{ type: 'INVALID_REPLICATION_FACTOR', message: 'Replication-factor is invalid' }],
          }),
        )
      created.push(t)
      partitions = t.numPartitions
      return Promise.resolve(true)
    },
    describeCluster: () =>
      Promise.resolve({ brokers: Array.from({ length: o.brokers ?? 1 }, (_, nodeId) => ({ nodeId })) }),
    // as a broker answers for a topic it does not host: kafkajs throws the topic's error
    fetchTopicMetadata: () =>
      partitions === undefined
        ? Promise.reject(
            Object.assign(new Error('This server does not host this topic-partition'), {
              type: 'UNKNOWN_TOPIC_OR_PARTITION',
            }),
          )
        : Promise.resolve({
            topics: [
              {
                name: 'acme.companies',
                partitions: Array.from({ length: partitions ?? 0 }, (_, p) => ({ partitionId: p })),
              },
            ],
          }),
  }
  return { admin: admin as unknown as Admin, created }
}

const ensure = (admin: Admin, warnings: string[] = []) =>
  ensureCompaniesTopic(admin, { topic: 'acme.companies', partitions: 128, warn: (m) => warnings.push(m) })

describe('kafka > kafkajs > worker-group-topic', () => {
  it('creates a missing topic compacted, with the partitions asked for and the broker default replication', async () => {
    const { admin, created } = cluster()
    expect(await ensure(admin)).toBe(128)
    expect(created).toEqual([
      {
        topic: 'acme.companies',
        numPartitions: 128,
        replicationFactor: -1,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ])
  })

  it('falls back to min(3, brokers) replicas where the cluster refuses its default', async () => {
    for (const [brokers, rf] of [
      [1, 1],
      [2, 2],
      [5, 3],
    ]) {
      const { admin, created } = cluster({ brokers, refuses: (r) => r === -1 })
      expect(await ensure(admin)).toBe(128)
      expect(created.map((c) => c.replicationFactor)).toEqual([rf])
    }
  })

  it('uses an existing topic with the partitions it has, and says so once', async () => {
    const { admin, created } = cluster({ existing: 30 })
    const warnings: string[] = []
    expect(await ensure(admin, warnings)).toBe(30)
    expect(created).toEqual([])
    expect(warnings).toEqual([
      'Companies topic acme.companies has 30 partitions, not WORKER_PARTITIONS=128: using 30 ' +
        '(a partition count is fixed once the topic exists; set WORKER_PARTITIONS=30 to silence this)',
    ])
    const same = cluster({ existing: 128 })
    const none: string[] = []
    expect(await ensure(same.admin, none)).toBe(128)
    expect(none).toEqual([])
  })

  it('fails in one line when the cluster cannot be asked', async () => {
    const admin = {
      fetchTopicMetadata: () =>
        Promise.reject(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9')),
    } as unknown as Admin
    const error = await ensure(admin).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KafkaError)
    expect((error as Error).message).toMatch(
      /^Cannot prepare the companies topic acme\.companies: Connection error.*KAFKA_BROKERS/,
    )
    expect((error as Error).message).not.toContain('\n')
  })
})
