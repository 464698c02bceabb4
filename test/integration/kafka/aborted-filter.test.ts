// kafka > read_committed against the real broker: two producers' transactions interleave on one
// partition and both abort, the later-started one first, so the broker lists them in the order they
// ended, not by first offset. kafkajs' own filter lets the earlier-started one's first record through;
// in this jest process both the product's feed and the tests' own reader must hide every aborted
// record (src/kafka/kafkajs/aborted-filter.ts, installed here as in the CLI).
import type { Kafka, Producer } from 'kafkajs'
import { abortedFilterActive } from '../../../src/kafka/kafkajs/aborted-filter'
import { createKafka } from '../../../src/kafka/kafkajs/client'
import { createFeed } from '../../../src/kafka/kafkajs/feed'
import { createTopicAdmin } from '../../../src/kafka/kafkajs/topic-admin'
import { entityTopicSpec } from '../../../src/kafka/topic-policy'
import { silentLogger } from '../../../src/ops/logger'
import { testInfra, uniqueName } from '../../infra/env'
import { readTopic } from '../../support/topics'

async function transactionalProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId: uniqueName('tx'),
    idempotent: true,
    maxInFlightRequests: 1,
  })
  await producer.connect()
  return producer
}

/** offsets 0–3: records a1 b1 a2 b2; 4: B's abort marker; 5: A's; 6: the committed record c1. */
async function writeInterleavedAborts(kafka: Kafka, topic: string): Promise<void> {
  const [a, b, c] = (await Promise.all([1, 2, 3].map(() => transactionalProducer(kafka)))) as [
    Producer,
    Producer,
    Producer,
  ]
  try {
    const ta = await a.transaction()
    const tb = await b.transaction()
    const send = (t: typeof ta, key: string) => t.send({ topic, messages: [{ key, value: key }] })
    await send(ta, 'a1')
    await send(tb, 'b1')
    await send(ta, 'a2')
    await send(tb, 'b2')
    await tb.abort()
    await ta.abort()
    const tc = await c.transaction()
    await send(tc, 'c1')
    await tc.commit()
  } finally {
    await Promise.all([a, b, c].map((p) => p.disconnect()))
  }
}

describe('kafka > read_committed hides interleaved aborted transactions', () => {
  const { brokers } = testInfra()
  const kafka = createKafka({ brokers, clientId: 'pk-test-aborted', logger: silentLogger })
  const topic = uniqueName('aborted-interleaved')

  beforeAll(async () => {
    const admin = createTopicAdmin(kafka)
    await admin.ensureTopics([
      entityTopicSpec(topic, { partitions: 1, replicationFactor: 1, deleteRetentionMs: 86_400_000 }),
    ])
    await admin.close()
    await writeInterleavedAborts(kafka, topic)
  })

  it('is the filter kafkajs calls in this jest module registry', () => {
    expect(abortedFilterActive()).toBe(true)
  })

  it("the product's feed sees only the committed record", async () => {
    const keys: string[] = []
    await createFeed(kafka, { groupId: uniqueName('feed'), topics: [topic], untilCaughtUp: true }).run(
      async ({ records }) => {
        keys.push(...records.map((r) => r.key?.toString() ?? ''))
      },
    )
    expect(keys).toEqual(['c1'])
  })

  it("the tests' own reader sees only the committed record", async () => {
    const records = await readTopic(brokers, topic, 1)
    expect(records.map((r) => r.key.toString())).toEqual(['c1'])
  })
})
