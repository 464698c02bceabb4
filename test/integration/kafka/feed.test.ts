// The feed against the real broker: a batch whose handling outlasts the group session (a stage
// re-reading many balances at Personio's pace) keeps its member in the group, so the group does
// not rebalance under it and no "coordinator is not aware of this member" follows.
import { createKafka } from '../../../src/kafka/kafkajs/client'
import { createFeed } from '../../../src/kafka/kafkajs/feed'
import { createTopicAdmin } from '../../../src/kafka/kafkajs/topic-admin'
import { createTransactionalSink } from '../../../src/kafka/kafkajs/transactional-sink'
import { entityTopicSpec } from '../../../src/kafka/topic-policy'
import { silentLogger } from '../../../src/ops/logger'
import { testInfra, uniqueName } from '../../infra/env'

/** The feed's session timeout: a member silent for longer is expelled by the broker. */
const SESSION_MS = 10_000

describe('kafka > kafkajs > feed', () => {
  const { brokers } = testInfra()
  const kafka = createKafka({ brokers, clientId: 'pk-test-feed', logger: silentLogger })

  it('stays a member of its group while one batch takes longer than the session', async () => {
    const topic = uniqueName('feed-slow')
    const admin = createTopicAdmin(kafka)
    await admin.ensureTopics([
      entityTopicSpec(topic, { partitions: 1, replicationFactor: 1, deleteRetentionMs: 86_400_000 }),
    ])
    await admin.close()
    const sink = createTransactionalSink(kafka, { transactionalId: uniqueName('tx') })
    await sink.publish([{ topic, key: Buffer.from('k'), value: Buffer.from('v') }])
    await sink.close()

    const groupId = uniqueName('slow-group')
    const raw = kafka.admin()
    await raw.connect()
    const members: number[] = []
    try {
      await createFeed(kafka, { groupId, topics: [topic], untilCaughtUp: true }).run(async () => {
        if (members.length > 0) {
          members.push(-1) // delivered again: the group rebalanced and the batch came back
          return
        }
        // well past the session, then ask the broker who is in the group
        await new Promise((r) => setTimeout(r, SESSION_MS + 3_000))
        const { groups } = await raw.describeGroups([groupId])
        members.push(groups[0]?.members.length ?? 0)
      })
    } finally {
      await raw.disconnect()
    }
    // one delivery, during which the group still had its one member
    expect(members).toEqual([1])
  }, 60_000)
})
