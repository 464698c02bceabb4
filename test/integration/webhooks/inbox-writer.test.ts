// The inbox writer against the real broker: a gap fill after a few busy days writes more events
// than one batch may hold (max.message.bytes, 1 MB by default). They go in pieces below it, all of
// them, in order per entity; one batch would be refused on every retry.
import { Kafka, logLevel } from 'kafkajs'
import { createDurableWriter } from '../../../src/kafka/kafkajs/durable-writer'
import { inboxRecord } from '../../../src/webhooks/inbox'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll } from '../../support/compacted'
import { createTopicsSettled } from '../../support/topics'

const { brokers } = testInfra()

describe('webhooks > inbox writer', () => {
  it('writes a gap fill larger than max.message.bytes, in pieces, every event once', async () => {
    const kafka = new Kafka({ brokers, clientId: 'test-inbox-writer', logLevel: logLevel.NOTHING })
    const topic = uniqueName('inbox')
    const admin = kafka.admin()
    await admin.connect()
    try {
      await createTopicsSettled(admin, [{ topic, numPartitions: 1 }])
    } finally {
      await admin.disconnect()
    }
    const writer = createDurableWriter(kafka)
    // ~1.6 MB of envelopes for one partition: more than one batch of the default 1 MB limit
    const records = Array.from({ length: 2_000 }, (_, i) => {
      const body = {
        company_id: '1',
        event_name: 'person.updated',
        occurred_at: '2026-12-05T10:00:00Z',
        payload: { id: String(i) },
        meta: { note: 'x'.repeat(700) },
      }
      const event = { name: body.event_name, id: String(i), occurredAt: 0, companyId: '1' }
      return inboxRecord(topic, event, Buffer.from(JSON.stringify(body)), 'events-endpoint', Date.now())
    })
    try {
      await writer.write(records)
    } finally {
      await writer.close()
    }
    const read = await readAll(brokers, topic)
    expect(read.map((r) => r.key?.toString())).toEqual(records.map((r) => r.key.toString()))
  })
})
