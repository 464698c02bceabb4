// The simulator's `/v2/webhooks` subscription API as a client sees it (personio-api.md §7.8):
// what a create takes and refuses, DISABLED by default, the token sent verbatim as the
// Authorization header of each delivery, custom headers, list/get/patch/delete.
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { simApi, type SimApi, type V2Page, type WebhookJson } from '../../support/sim-api'
import { webhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver'

describe('simulator > webhooks > subscriptions', () => {
  let sim: RunningSimulator
  let api: SimApi
  let hooks: WebhookReceiver
  beforeEach(async () => {
    hooks = await webhookReceiver()
    sim = await startSimulator({ employees: 3, rateLimits: false, webhooks: { allowHttp: true } })
    api = await simApi(sim)
  })
  afterEach(async () => {
    await sim.close()
    await hooks.close()
  })

  const body = (extra: Record<string, unknown> = {}) => ({
    url: hooks.url,
    description: 'personio-kafka test',
    token: 'Bearer s3cret-token-for-the-receiver',
    enabled_events: ['person.updated'],
    ...extra,
  })
  const someone = () => sim.company.list('employees')[0]?.id as number

  it('creates a DISABLED subscription by default, which delivers nothing until enabled', async () => {
    const created = await api<WebhookJson>('POST', '/v2/webhooks', body())
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: hooks.url,
      description: 'personio-kafka test',
      status: 'DISABLED',
      auth_type: 'TOKEN',
      enabled_events: ['person.updated'],
    })
    sim.company.update('employees', someone(), { lastName: 'Quiet' })
    await sim.webhooks.idle()
    expect(hooks.received).toEqual([])

    const enabled = await api<WebhookJson>('PATCH', `/v2/webhooks/${created.body.id}`, { status: 'ENABLED' })
    expect(enabled.status).toBe(200)
    expect(enabled.body.status).toBe('ENABLED')
    sim.company.update('employees', someone(), { lastName: 'Heard' })
    sim.company.update('employees', someone(), { position: 'no person.updated for this' })
    await sim.webhooks.idle()
    expect(hooks.names()).toEqual(['person.updated'])
    // the token verbatim, no prefix added or removed
    expect(hooks.received[0]?.headers.authorization).toBe('Bearer s3cret-token-for-the-receiver')
    expect(hooks.received[0]?.headers['content-type']).toBe('application/json')
  })

  it('sends custom headers (CUSTOM) and nothing (NONE) instead of a token', async () => {
    await api('POST', '/v2/webhooks', {
      ...body({ status: 'ENABLED', auth_type: 'CUSTOM', token: undefined }),
      custom_headers: { 'X-My-Auth': 'abc123', 'X-Tracking': 'track-me' },
    })
    await api('POST', '/v2/webhooks', body({ status: 'ENABLED', auth_type: 'NONE', token: undefined }))
    sim.company.update('employees', someone(), { firstName: 'Twice' })
    await sim.webhooks.idle()
    expect(hooks.received).toHaveLength(2)
    const [custom, none] = hooks.received
    expect(custom?.headers['x-my-auth']).toBe('abc123')
    expect(custom?.headers['x-tracking']).toBe('track-me')
    expect(custom?.headers.authorization).toBeUndefined()
    expect(none?.headers.authorization).toBeUndefined()
    expect(none?.headers['x-my-auth']).toBeUndefined()
  })

  it('refuses with 400 a body of the wrong shape and with 422 one Personio cannot use', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ ...body(), description: undefined }, 400, /description is required/],
      [{ ...body(), url: undefined }, 400, /url is required/],
      [{ ...body(), enabled_events: undefined }, 400, /enabled_events is required/],
      [{ ...body(), enabled_events: 'person.updated' }, 400, /enabled_events is required/],
      [
        body({ enabled_events: ['person.updated', 'project.created'] }),
        422,
        /unknown events: project\.created/,
      ],
      [body({ enabled_events: [] }), 422, /at least one event/],
      [body({ status: 'PAUSED' }), 422, /status must be ENABLED or DISABLED/],
      [body({ auth_type: 'HMAC' }), 422, /auth_type must be NONE, TOKEN or CUSTOM/],
      [body({ token: undefined }), 422, /auth_type TOKEN needs a token/],
      [body({ custom_headers: { 'X-A': '1' } }), 422, /only allowed with auth_type CUSTOM/],
      [
        body({ auth_type: 'CUSTOM', custom_headers: { 'X-A': '1', 'X-B': '2', 'X-C': '3', 'X-D': '4' } }),
        422,
        /at most 3 headers/,
      ],
      [body({ auth_type: 'CUSTOM', custom_headers: { 'Content-Type': 'text/plain' } }), 422, /reserved/],
      [body({ auth_type: 'CUSTOM', custom_headers: { 'Host-Override': 'x' } }), 422, /reserved/],
      [body({ url: 'not a url' }), 422, /not a valid URL/],
    ]
    for (const [request, status, detail] of cases) {
      const res = await api('POST', '/v2/webhooks', request)
      expect({ request, status: res.status, detail: res.body.errors[0]?.detail }).toEqual({
        request,
        status,
        detail: expect.stringMatching(detail),
      })
      expect(res.contentType).toBe('application/problem+json')
    }
    const list = await api<V2Page<WebhookJson>>('GET', '/v2/webhooks')
    expect(list.body._data).toEqual([])
  })

  it('refuses an http URL unless the simulator is told to allow it (Personio requires https)', async () => {
    const strict = await startSimulator({ employees: 1, rateLimits: false })
    try {
      const strictApi = await simApi(strict)
      const refused = await strictApi('POST', '/v2/webhooks', body())
      expect(refused.status).toBe(422)
      expect(refused.body.errors[0]?.detail).toBe('url must be an HTTPS endpoint, got http')
      const https = await strictApi(
        'POST',
        '/v2/webhooks',
        body({ url: 'https://hooks.example.com/personio' }),
      )
      expect(https.status).toBe(201)
      const patched = await strictApi('PATCH', `/v2/webhooks/${(https.body as unknown as WebhookJson).id}`, {
        url: hooks.url,
      })
      expect(patched.status).toBe(422)
    } finally {
      await strict.close()
    }
  })

  it('lists with filters, gets, patches and deletes; unknown ids are 404', async () => {
    const a = (await api<WebhookJson>('POST', '/v2/webhooks', body({ status: 'ENABLED' }))).body
    const b = (
      await api<WebhookJson>('POST', '/v2/webhooks', body({ enabled_events: ['absence-period.created'] }))
    ).body
    const ids = async (query = '') =>
      (await api<V2Page<WebhookJson>>('GET', `/v2/webhooks${query}`)).body._data.map((w) => w.id)
    expect(await ids()).toEqual([a.id, b.id])
    expect(await ids('?status=ENABLED')).toEqual([a.id])
    expect(await ids('?enabled_events=absence-period.created')).toEqual([b.id])
    expect(await ids('?limit=1')).toEqual([a.id])
    expect((await api('GET', '/v2/webhooks?status=ON')).status).toBe(400)
    expect((await api('GET', '/v2/webhooks?limit=201')).status).toBe(400)

    const got = await api<WebhookJson>('GET', `/v2/webhooks/${b.id}`)
    expect(got.body).toMatchObject({
      id: b.id,
      status: 'DISABLED',
      token: 'Bearer s3cret-token-for-the-receiver',
    })
    const patched = await api<WebhookJson>('PATCH', `/v2/webhooks/${b.id}`, {
      enabled_events: ['attendance-period.created', 'attendance-period.deleted'],
    })
    expect(patched.body).toMatchObject({
      description: 'personio-kafka test',
      enabled_events: ['attendance-period.created', 'attendance-period.deleted'],
    })
    expect((await api('PATCH', `/v2/webhooks/${b.id}`, { enabled_events: ['nope'] })).status).toBe(422)

    const deleted = await api('DELETE', `/v2/webhooks/${a.id}`)
    expect(deleted.status).toBe(204)
    expect(await ids()).toEqual([b.id])
    for (const [method, path] of [
      ['GET', `/v2/webhooks/${a.id}`],
      ['PATCH', `/v2/webhooks/${a.id}`],
      ['DELETE', `/v2/webhooks/${a.id}`],
      ['GET', `/v2/webhooks/${a.id}/events`],
    ] as const) {
      const res = await api(method, path, method === 'PATCH' ? { status: 'ENABLED' } : undefined)
      expect([method, path, res.status]).toEqual([method, path, 404])
    }
    // a deleted subscription gets nothing more
    sim.company.update('employees', someone(), { lastName: 'Gone' })
    await sim.webhooks.idle()
    expect(hooks.received).toEqual([])
  })

  it('needs a v2 token like every v2 endpoint', async () => {
    const { request } = await import('undici')
    const res = await request(`${sim.url}/v2/webhooks`, { method: 'GET' })
    expect(res.statusCode).toBe(401)
    await res.body.dump()
  })
})
