// `status` reads a webhook inbox's backlog without joining the group that consumes it: the records
// after the group's committed offsets, on every partition, and no read at all when it is caught up.
import { Kafka, logLevel } from 'kafkajs'
import { readBehindGroup } from '../../../src/kafka/kafkajs/behind-group'
import { testInfra, uniqueName } from '../../infra/env'
import { createTopicsSettled } from '../../support/topics'

const { brokers } = testInfra()

describe('kafka > records behind a consumer group', () => {
  it('reads what the group has not committed past, then nothing once it has', async () => {
    const kafka = new Kafka({ brokers, clientId: 'test-behind-group', logLevel: logLevel.NOTHING })
    const topic = uniqueName('inbox')
    const groupId = uniqueName('inbox-group')
    const admin = kafka.admin()
    await admin.connect()
    const producer = kafka.producer()
    await producer.connect()
    try {
      await createTopicsSettled(admin, [{ topic, numPartitions: 2 }])
      await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `event ${i}` })),
      })
      // the group is past the first 3 records of partition 0 and has never read partition 1
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }] })
      const behind = await readBehindGroup(kafka, topic, groupId, { max: 100, timeoutMs: 20_000 })
      expect(behind.behind).toBe(7)
      expect(behind.records.map((r) => r.value?.toString()).sort()).toEqual(
        ['event 1', 'event 3', 'event 5', 'event 6', 'event 7', 'event 8', 'event 9'].sort(),
      )
      await admin.setOffsets({
        groupId,
        topic,
        partitions: [
          { partition: 0, offset: '5' },
          { partition: 1, offset: '5' },
        ],
      })
      expect(await readBehindGroup(kafka, topic, groupId, { max: 100, timeoutMs: 20_000 })).toEqual({
        records: [],
        behind: 0,
      })
    } finally {
      await producer.disconnect()
      await admin.disconnect()
    }
  })
})
