// Error branches of the client with undici's MockAgent: no network at all.
import { MockAgent } from 'undici'
import { PersonioHttpError } from '../../../src/errors'
import { collect, createPersonioClient } from '../../../src/personio'

const origin = 'https://api.personio.test'
const noSleep = async () => undefined

function setup() {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const pool = agent.get(origin)
  const client = createPersonioClient({
    baseUrl: origin,
    credentials: { clientId: 'id', clientSecret: 's' },
    dispatcher: agent,
    sleep: noSleep,
    random: () => 0,
    retry: { maxAttempts: 3 },
  })
  return { agent, pool, client }
}

const auth = (token: string) => ({ success: true, data: { token, expires_in: 86400 } })

describe('personio > client (MockAgent)', () => {
  it('refreshes once on 401, with a single auth request for many waiting calls', async () => {
    const { agent, pool, client } = setup()
    pool.intercept({ path: '/v1/auth', method: 'POST' }).reply(200, auth('papi-old'))
    pool
      .intercept({ path: '/v1/company/document-categories', method: 'GET' })
      .reply(401, { success: false, error: { code: 401, message: 'expired' } })
      .times(3)
    pool.intercept({ path: '/v1/auth', method: 'POST' }).reply(200, auth('papi-new'))
    pool
      .intercept({
        path: '/v1/company/document-categories',
        method: 'GET',
        headers: { authorization: 'Bearer papi-new' },
      })
      .reply(200, { success: true, data: [] })
      .times(3)
    await Promise.all([
      client.documentCategories.list(),
      client.documentCategories.list(),
      client.documentCategories.list(),
    ])
    agent.assertNoPendingInterceptors()
  })

  it('uses a token rotated through the Authorization response header', async () => {
    const { agent, pool, client } = setup()
    pool.intercept({ path: '/v1/auth', method: 'POST' }).reply(200, auth('papi-1'))
    pool
      .intercept({
        path: '/v1/company/document-categories',
        method: 'GET',
        headers: { authorization: 'Bearer papi-1' },
      })
      .reply(200, { success: true, data: [] }, { headers: { authorization: 'Bearer papi-2' } })
    pool
      .intercept({
        path: '/v1/company/document-categories',
        method: 'GET',
        headers: { authorization: 'Bearer papi-2' },
      })
      .reply(200, { success: true, data: [] })
    await client.documentCategories.list()
    await client.documentCategories.list()
    agent.assertNoPendingInterceptors()
  })

  it('refuses a next link to another origin', async () => {
    const { pool, client } = setup()
    pool
      .intercept({ path: '/v2/auth/token', method: 'POST' })
      .reply(200, { access_token: 'papi-2', token_type: 'Bearer', expires_in: 86400, scope: '' })
    pool.intercept({ path: '/v2/projects?limit=100', method: 'GET' }).reply(200, {
      _data: [],
      _meta: { links: { next: { href: 'https://evil.example/v2/projects?cursor=x' } } },
    })
    await expect(collect(client.projects.list())).rejects.toThrow(/another origin \(https:\/\/evil.example\)/)
  })

  it('treats a 200 with malformed JSON as a retriable error, then gives up with a count', async () => {
    const { pool, client } = setup()
    pool.intercept({ path: '/v1/auth', method: 'POST' }).reply(200, auth('papi-1'))
    pool
      .intercept({ path: '/v1/company/document-categories', method: 'GET' })
      .reply(200, '{"success":true,"da')
      .times(3)
    const error = await client.documentCategories.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PersonioHttpError)
    expect((error as Error).message).toMatch(/malformed JSON — gave up after 3 attempts/)
  })

  it('sends the identification headers and refuses ones not in UPPER_SNAKE_CASE', async () => {
    const agent = new MockAgent()
    agent.disableNetConnect()
    const pool = agent.get(origin)
    pool
      .intercept({
        path: '/v1/auth',
        method: 'POST',
        headers: { 'x-personio-app-id': 'MY_APP', 'x-personio-partner-id': 'ACME' },
      })
      .reply(200, auth('t'))
    pool
      .intercept({
        path: '/v1/company/document-categories',
        method: 'GET',
        // Both headers on data requests too: Personio asks for them on every request.
        headers: { 'x-personio-app-id': 'MY_APP', 'x-personio-partner-id': 'ACME' },
      })
      .reply(200, { success: true, data: [] })
    const client = createPersonioClient({
      baseUrl: origin,
      credentials: { clientId: 'i', clientSecret: 's' },
      appId: 'MY_APP',
      partnerId: 'ACME',
      dispatcher: agent,
    })
    await client.documentCategories.list()
    agent.assertNoPendingInterceptors()
    expect(() =>
      createPersonioClient({
        baseUrl: origin,
        credentials: { clientId: 'i', clientSecret: 's' },
        appId: 'my-app',
      }),
    ).toThrow(/UPPER_SNAKE_CASE/)
    expect(() =>
      createPersonioClient({
        baseUrl: origin,
        credentials: { clientId: 'i', clientSecret: 's' },
        partnerId: 'acme-gmbh',
      }),
    ).toThrow(/UPPER_SNAKE_CASE/)
  })
  it('loses nothing when a server sends fewer employees per page than asked for', async () => {
    const { agent, pool, client } = setup()
    pool.intercept({ path: '/v1/auth', method: 'POST' }).reply(200, auth('papi-1'))
    const employee = (id: number) => ({ type: 'Employee', attributes: { id: { label: 'ID', value: id } } })
    // asked for 100, capped at 40 (and current_page counted from 1, which must not matter); each
    // page after the first starts at the previous page's last row, to prove nothing shifted
    for (const [offset, page] of [
      [0, 1],
      [39, 2],
      [78, 3],
    ] as const) {
      const ids = Array.from({ length: Math.min(40, 90 - offset) }, (_, i) => offset + i + 1)
      pool.intercept({ path: `/v1/company/employees?limit=100&offset=${offset}`, method: 'GET' }).reply(200, {
        success: true,
        metadata: { total_elements: 90, current_page: page, total_pages: 3 },
        data: ids.map(employee),
      })
    }
    const ids = (await collect(client.employees.list())).map((e) => e.attributes.id?.value)
    expect(ids).toEqual(Array.from({ length: 90 }, (_, i) => i + 1))
    agent.assertNoPendingInterceptors()
  })

  it('sends inclusive person bounds one second wider than Personio’s exclusive whole seconds', async () => {
    const { agent, pool, client } = setup()
    pool
      .intercept({ path: '/v2/auth/token', method: 'POST' })
      .reply(200, { access_token: 'papi-2', token_type: 'Bearer', expires_in: 86400, scope: '' })
    pool
      .intercept({
        path: '/v2/persons?limit=50&updated_at.gt=2026-01-15T08%3A59%3A59Z&updated_at.lt=2026-01-15T10%3A00%3A01Z',
        method: 'GET',
      })
      .reply(200, { _data: [], _meta: { links: {} } })
    await collect(
      client.persons.list({
        updatedAtGte: Date.parse('2026-01-15T09:00:00.700Z'),
        updatedAtLte: Date.parse('2026-01-15T10:00:00.200Z'),
      }),
    )
    agent.assertNoPendingInterceptors()
  })
})
