// The webhook receiver against a real broker: a delivery is answered 202 only once it is in the
// inbox topic; a wrong or missing token gets 401, a body that is not JSON or not Personio's
// envelope 400 (an id neither a number nor a UUID too), one past the size limit 413 — and none of
// them writes anything. A broker that cannot take the delivery gets it answered 503, which Personio
// retries.
import { Kafka, logLevel } from 'kafkajs'
import { request } from 'undici'
import { createDurableWriter } from '../../../src/kafka/kafkajs/durable-writer'
import { inboxRecord } from '../../../src/webhooks/inbox'
import { startReceiver, type Receiver } from '../../../src/webhooks/receiver'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll } from '../../support/compacted'
import { createTopicsSettled } from '../../support/topics'

const { brokers } = testInfra()
const TOKEN = 'Bearer receiver-test-token-0123456789'
const envelope = (id: string) => ({
  company_id: '1',
  event_name: 'person.updated',
  occurred_at: '2026-12-05T10:00:00Z',
  payload: { id },
})

describe('webhooks > receiver', () => {
  const kafka = new Kafka({ brokers, clientId: 'test-receiver', logLevel: logLevel.NOTHING })
  const writer = createDurableWriter(kafka)
  let receiver: Receiver
  let topic: string
  let failing = false
  beforeAll(async () => {
    topic = uniqueName('inbox')
    const admin = kafka.admin()
    await admin.connect()
    try {
      await createTopicsSettled(admin, [{ topic, numPartitions: 1 }])
    } finally {
      await admin.disconnect()
    }
    receiver = await startReceiver({
      port: 0,
      host: '127.0.0.1',
      path: '/personio',
      token: TOKEN,
      maxBodyBytes: 2048,
      writeTimeoutMs: 2_500,
      inbox: {
        write: async (event, body) => {
          if (failing) throw new Error('broker unavailable')
          await writer.write([inboxRecord(topic, event, body, 'delivery', Date.now())])
        },
      },
    })
  })
  afterAll(async () => {
    await receiver.close()
    await writer.close()
  })

  const post = async (body: string, headers: Record<string, string> = { authorization: TOKEN }) => {
    const res = await request(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    })
    await res.body.dump()
    return res.statusCode
  }
  const inbox = async () =>
    (await readAll(brokers, topic)).map((r) => JSON.parse(r.value?.toString() ?? 'null') as unknown)

  it('answers 202 once the delivery is in the inbox, as Personio sent it', async () => {
    expect(await post(JSON.stringify(envelope('4711')))).toBe(202)
    expect(await inbox()).toEqual([envelope('4711')])
  })

  it('refuses a wrong or missing token with 401, and writes nothing', async () => {
    const before = (await inbox()).length
    expect(await post(JSON.stringify(envelope('1')), { authorization: 'Bearer wrong' })).toBe(401)
    expect(await post(JSON.stringify(envelope('2')), { authorization: `${TOKEN}x` })).toBe(401)
    expect(await post(JSON.stringify(envelope('3')), {})).toBe(401)
    expect((await inbox()).length).toBe(before)
  })

  it('refuses malformed and oversized bodies (400, 413), and writes nothing', async () => {
    const before = (await inbox()).length
    expect(await post('{not json')).toBe(400)
    expect(await post(JSON.stringify({ event_name: 'person.updated' }))).toBe(400)
    expect(await post(JSON.stringify({ ...envelope('5'), event_name: 'salary.paid' }))).toBe(400)
    // an id that is neither a number nor a UUID would steer the by-id read (`..` → /v1/company/)
    expect(await post(JSON.stringify(envelope('..')))).toBe(400)
    expect(await post(JSON.stringify({ ...envelope('8'), payload: { id: '8', person_id: '8/..' } }))).toBe(
      400,
    )
    expect(await post(JSON.stringify({ ...envelope('6'), payload: { note: 'x'.repeat(4096) } }))).toBe(413)
    expect((await inbox()).length).toBe(before)
  })

  it('answers 503 when the delivery cannot be stored, so Personio delivers it again', async () => {
    failing = true
    try {
      expect(await post(JSON.stringify(envelope('7')))).toBe(503)
    } finally {
      failing = false
    }
  })
})
