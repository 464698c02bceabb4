// The receiver's answers that hang on the inbox write, with an inbox the test controls (no broker
// needed): the 202 leaves only after the write resolved, never before; a write that hangs is
// answered 503 once its time is up (Personio waits 3 s, then retries); and a body streamed without
// a Content-Length is cut at the size limit with 413, not read to its end and stored.
import { Readable } from 'node:stream'
import { request } from 'undici'
import type { WebhookEvent } from '../../../src/webhooks/envelope'
import { startReceiver, type Receiver } from '../../../src/webhooks/receiver'
import { waitFor } from '../../support/net-wait'

const TOKEN = 'Bearer receiver-answers-token-0123456789'
const MAX_BODY = 2048
const envelope = (id: string, extra: Record<string, unknown> = {}) => ({
  company_id: '1',
  event_name: 'person.updated',
  occurred_at: '2026-12-05T10:00:00Z',
  payload: { id, ...extra },
})

/** An inbox whose writes resolve only when the test says so. */
function heldInbox() {
  const writes: { event: WebhookEvent; release: () => void }[] = []
  return {
    writes,
    write: (event: WebhookEvent) =>
      new Promise<void>((release) => {
        writes.push({ event, release })
      }),
  }
}

describe('webhooks > receiver answers and the inbox write', () => {
  let receiver: Receiver
  let inbox: ReturnType<typeof heldInbox>
  const refused: [number, string][] = []
  beforeEach(async () => {
    inbox = heldInbox()
    refused.splice(0)
    receiver = await startReceiver({
      port: 0,
      host: '127.0.0.1',
      path: '/personio',
      token: TOKEN,
      maxBodyBytes: MAX_BODY,
      writeTimeoutMs: 300,
      inbox,
      onRefused: (status, why) => refused.push([status, why]),
    })
  })
  afterEach(async () => {
    for (const w of inbox.writes) w.release()
    await receiver.close()
  })

  const post = async (body: string | Readable) => {
    const res = await request(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: TOKEN },
      body,
      headersTimeout: 10_000,
    })
    await res.body.dump()
    return res.statusCode
  }

  it('answers 202 only after the write resolved', async () => {
    const writeTimeoutMs = 2_000
    await receiver.close()
    receiver = await startReceiver({
      port: 0,
      host: '127.0.0.1',
      path: '/personio',
      token: TOKEN,
      maxBodyBytes: MAX_BODY,
      writeTimeoutMs,
      inbox,
    })
    const order: string[] = []
    const answered = post(JSON.stringify(envelope('4711'))).then((status) => {
      order.push(`answered ${status}`)
      return status
    })
    await waitFor('the inbox write', () => inbox.writes.length === 1, 10_000, 10)
    order.push('write begun')
    // an answer sent before the write resolved would arrive in this time (a loopback round trip)
    await new Promise((r) => setTimeout(r, 300))
    order.push('write resolved')
    inbox.writes[0]!.release()
    expect(await answered).toBe(202)
    expect(order).toEqual(['write begun', 'write resolved', 'answered 202'])
    expect(inbox.writes.map((w) => w.event.id)).toEqual(['4711'])
  })

  it('answers 503 when the write does not resolve in time, so Personio delivers again', async () => {
    expect(await post(JSON.stringify(envelope('7')))).toBe(503)
    expect(inbox.writes).toHaveLength(1) // begun, never resolved
    expect(refused).toEqual([[503, expect.stringMatching(/took longer than 300 ms/)]])
  })

  it('refuses a chunked body without Content-Length past the limit with 413, and writes nothing', async () => {
    async function* chunked(): AsyncGenerator<Buffer> {
      // a valid envelope, streamed in small pieces, twice the limit in all
      const text = JSON.stringify(envelope('8', { note: 'x'.repeat(2 * MAX_BODY) }))
      for (let i = 0; i < text.length; i += 256) yield Buffer.from(text.slice(i, i + 256))
    }
    expect(await post(Readable.from(chunked()))).toBe(413)
    expect(inbox.writes).toHaveLength(0)
    expect(refused.map(([status]) => status)).toEqual([413])
  })
})
