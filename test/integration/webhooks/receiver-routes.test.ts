// One receiver for several companies (issue #28), with inboxes the test holds (no broker needed,
// only the receiver's socket): each path has its own token and inbox; a delivery with the right
// token lands in its company's inbox only; another company's token is a 401; a path no route
// knows is a 404, and a route gone from the lookup is a 404 from the next request on. The refusal
// and the delivery message name the company.
import { subscribe } from '../../../src/ops/channels'
import type { WebhookEvent } from '../../../src/webhooks/envelope'
import { startReceiver, type Receiver, type Route } from '../../../src/webhooks/receiver'
import { request } from 'undici'

const tokens = { acme: 'Bearer acme-token-0123456789abcdef', globex: 'Bearer globex-token-0123456789abc' }
type Id = keyof typeof tokens
const envelope = (id: string) => ({
  company_id: '1',
  event_name: 'person.updated',
  occurred_at: '2026-12-05T10:00:00Z',
  payload: { id },
})

describe('webhooks > receiver routes', () => {
  let receiver: Receiver
  const written: Record<Id, string[]> = { acme: [], globex: [] }
  const routes = new Map<string, Route>()
  const refused: [number, string, string | undefined][] = []
  const deliveries: unknown[] = []
  let off: () => void = () => undefined

  const routeOf = (id: Id): Route => ({
    company: id,
    token: tokens[id],
    inbox: {
      write: async (event: WebhookEvent) => {
        written[id].push(event.id)
      },
    },
  })

  beforeAll(async () => {
    routes.set('/personio/acme', routeOf('acme'))
    routes.set('/personio/globex', routeOf('globex'))
    off = subscribe('personio-kafka:webhooks:delivery', (m) => deliveries.push(m))
    receiver = await startReceiver({
      port: 0,
      host: '127.0.0.1',
      maxBodyBytes: 2048,
      writeTimeoutMs: 2_500,
      route: (path) => routes.get(path),
      onRefused: (status, why, company) => refused.push([status, why, company]),
    })
  })
  afterAll(async () => {
    off()
    await receiver.close()
  })

  const post = async (path: string, token: string, id: string) => {
    const res = await request(`${receiver.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify(envelope(id)),
    })
    await res.body.dump()
    return res.statusCode
  }

  it("takes each company's delivery with its own token, into its own inbox only", async () => {
    expect(await post('/personio/acme', tokens.acme, '1')).toBe(202)
    expect(await post('/personio/globex', tokens.globex, '2')).toBe(202)
    expect(written).toEqual({ acme: ['1'], globex: ['2'] })
    expect(deliveries).toEqual([
      { outcome: 'accepted', engine: 'acme' },
      { outcome: 'accepted', engine: 'globex' },
    ])
  })

  it("refuses another company's token with 401, and says whose path it was", async () => {
    refused.splice(0)
    expect(await post('/personio/acme', tokens.globex, '3')).toBe(401)
    expect(written.acme).not.toContain('3')
    expect(written.globex).not.toContain('3')
    expect(refused).toEqual([[401, 'wrong token', 'acme']])
  })

  it('answers 404 on a path no route knows, the bare base included', async () => {
    expect(await post('/personio/initech', tokens.acme, '4')).toBe(404)
    expect(await post('/personio', tokens.acme, '5')).toBe(404)
    expect(await post('/personio/acme/x', tokens.acme, '6')).toBe(404)
  })

  it('answers 404 from the next request on once a route is gone, and takes it again once back', async () => {
    routes.delete('/personio/globex')
    expect(await post('/personio/globex', tokens.globex, '7')).toBe(404)
    routes.set('/personio/globex', routeOf('globex'))
    expect(await post('/personio/globex', tokens.globex, '8')).toBe(202)
    expect(written.globex).toEqual(['2', '8'])
  })
})
