// The simulator's HTTP behaviour, quirk by quirk, as a raw client sees it.
import { request } from 'undici'
import { absentResources } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'

async function call(
  sim: RunningSimulator,
  method: string,
  path: string,
  init: { token?: string; body?: string; type?: string } = {},
) {
  const res = await request(`${sim.url}${path}`, {
    method: method as 'GET',
    headers: {
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      ...(init.type === undefined ? {} : { 'content-type': init.type }),
      'x-personio-app-id': 'TEST_APP',
      'personio-partner-id': 'ACME',
    },
    body: init.body,
  })
  const text = await res.body.text()
  return {
    status: res.statusCode,
    headers: res.headers,
    json: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  }
}

async function v1Token(sim: RunningSimulator, secret = 'sim-secret', form = false): Promise<string> {
  const body = form
    ? `client_id=sim-client&client_secret=${secret}`
    : JSON.stringify({ client_id: 'sim-client', client_secret: secret })
  const res = await call(sim, 'POST', '/v1/auth', {
    body,
    type: form ? 'application/x-www-form-urlencoded' : 'application/json',
  })
  return (res.json as { data: { token: string } }).data.token
}

describe('simulator > http', () => {
  let sim: RunningSimulator
  beforeEach(async () => {
    sim = await startSimulator({
      // pinned: the clock is compared with a fixed date below
      now: '2026-01-15T09:00:00Z',
      employees: 30,
      rateLimits: false,
      credentials: [
        { clientId: 'sim-client', clientSecret: 'sim-secret' },
        { clientId: 'narrow', clientSecret: 'n', whitelist: ['first_name'] },
      ],
    })
  })
  afterEach(() => sim.close())

  it('v1 auth: JSON and form bodies, the same stable papi- token within its lifetime, 401 for bad credentials', async () => {
    const a = await v1Token(sim)
    expect(a).toMatch(/^papi-/)
    expect(await v1Token(sim, 'sim-secret', true)).toBe(a)
    const bad = await call(sim, 'POST', '/v1/auth', {
      body: JSON.stringify({ client_id: 'sim-client', client_secret: 'nope' }),
      type: 'application/json',
    })
    expect(bad.status).toBe(401)
    expect(bad.json).toMatchObject({ success: false, error: { message: 'Wrong credentials' } })
  })

  it('v1 auth: credentials in the query string are refused with 403 and a v1 error body, as since 2026-12-04', async () => {
    const query = '/v1/auth?client_id=sim-client&client_secret=sim-secret'
    const refused = await call(sim, 'POST', query)
    expect(refused.status).toBe(403)
    expect(refused.json).toEqual({
      success: false,
      error: { code: 403, message: expect.stringMatching(/query string.*request body/) as string },
    })
    const before = await startSimulator({ employees: 1, rateLimits: false, forbidQueryCredentials: false })
    try {
      expect((await call(before, 'POST', query)).status).toBe(200)
    } finally {
      await before.close()
    }
  })

  it('without a pinned clock, states the wall clock and stamps nothing after it', async () => {
    const fresh = await startSimulator({ employees: 20, rateLimits: false })
    try {
      const token = await v1Token(fresh)
      const res = await call(fresh, 'GET', '/v1/company/document-categories', { token })
      // the Date header against ours: a minute is far more than a loaded machine takes
      expect(Math.abs(Date.parse(String(res.headers.date)) - Date.now())).toBeLessThan(60_000)
      const latest = Math.max(...fresh.company.list('absencePeriods').map((p) => p.updatedAt))
      expect(latest).toBeLessThanOrEqual(fresh.company.clock.now())
    } finally {
      await fresh.close()
    }
  })

  it('tokens: 401 without or after expiry, 403 when invalid, echoed in the Authorization response header', async () => {
    const token = await v1Token(sim)
    const ok = await call(sim, 'GET', '/v1/company/document-categories', { token })
    expect(ok.headers.authorization).toBe(`Bearer ${token}`)
    expect((await call(sim, 'GET', '/v1/company/document-categories')).status).toBe(401)
    expect((await call(sim, 'GET', '/v1/company/document-categories', { token: 'papi-forged' })).status).toBe(
      403,
    )
    sim.company.clock.advance(86_401_000)
    expect((await call(sim, 'GET', '/v1/company/document-categories', { token })).status).toBe(401)
  })

  it('v2 auth: form only, OAuth errors, revoke', async () => {
    const form = 'grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret'
    const ok = await call(sim, 'POST', '/v2/auth/token', {
      body: form,
      type: 'application/x-www-form-urlencoded',
    })
    expect(ok.json).toMatchObject({ token_type: 'Bearer', expires_in: 86400 })
    expect(
      (await call(sim, 'POST', '/v2/auth/token', { body: '{}', type: 'application/json' })).json,
    ).toMatchObject({ error: 'invalid_request' })
    const wrong = await call(sim, 'POST', '/v2/auth/token', {
      body: form.replace('sim-secret', 'x'),
      type: 'application/x-www-form-urlencoded',
    })
    expect(wrong).toMatchObject({ status: 400, json: { error: 'unauthorized_client' } })
    const token = (ok.json as { access_token: string }).access_token
    await call(sim, 'POST', '/v2/auth/revoke', {
      body: `token=${token}`,
      type: 'application/x-www-form-urlencoded',
    })
    expect((await call(sim, 'GET', '/v2/projects', { token })).status).toBe(401)
  })

  it('employees: limit ≤ 100 (200 in legacy mode) with Personio’s error, 0-based metadata, whitelist hides last_modified_at', async () => {
    const token = await v1Token(sim)
    expect((await call(sim, 'GET', '/v1/company/employees?limit=200', { token })).json).toEqual({
      success: false,
      error: { code: 0, message: 'The limit must be between 1 and 100.' },
    })
    const legacy = await startSimulator({ employees: 250, rateLimits: false, employeesMaxLimit: 200 })
    try {
      const legacyToken = await v1Token(legacy)
      const big = await call(legacy, 'GET', '/v1/company/employees?limit=200', { token: legacyToken })
      expect((big.json as { data: unknown[] }).data).toHaveLength(200)
      expect(
        (await call(legacy, 'GET', '/v1/company/employees?limit=201', { token: legacyToken })).json,
      ).toEqual({
        success: false,
        error: { code: 0, message: 'The limit must be between 1 and 200.' },
      })
    } finally {
      await legacy.close()
    }
    const page = await call(sim, 'GET', '/v1/company/employees?limit=10&offset=20', { token })
    expect(page.json).toMatchObject({
      metadata: { total_elements: 30, current_page: 2, total_pages: 3 },
      offset: 20,
      limit: 10,
    })
    const narrowToken = (
      await call(sim, 'POST', '/v1/auth', {
        body: JSON.stringify({ client_id: 'narrow', client_secret: 'n' }),
        type: 'application/json',
      })
    ).json as { data: { token: string } }
    const narrow = await call(sim, 'GET', '/v1/company/employees?limit=1', { token: narrowToken.data.token })
    const attrs = ((narrow.json as { data: { attributes: Record<string, unknown> }[] }).data[0]?.attributes ??
      {}) as Record<string, unknown>
    expect(Object.keys(attrs).sort()).toEqual(['first_name', 'id'])
    const defs = await call(sim, 'GET', '/v1/company/employees/attributes', { token: narrowToken.data.token })
    expect((defs.json as { data: { key: string }[] }).data.map((d) => d.key).sort()).toEqual([
      'first_name',
      'id',
    ])
  })

  it('time-offs: offset 0 and 1 are both page 1; employees must be an array; date-only filters', async () => {
    const token = await v1Token(sim)
    const p0 = await call(sim, 'GET', '/v1/company/time-offs?limit=5&offset=0', { token })
    const p1 = await call(sim, 'GET', '/v1/company/time-offs?limit=5&offset=1', { token })
    expect(p0.json?.data).toEqual(p1.json?.data)
    expect(p1.json).toMatchObject({ metadata: { current_page: 1 } })
    expect(
      (await call(sim, 'GET', '/v1/company/time-offs?employees=1000,1001', { token })).json,
    ).toMatchObject({ error: { message: 'the employees must be an array' } })
    expect(
      (await call(sim, 'GET', '/v1/company/time-offs?updated_from=2026-01-15T10:00:00', { token })).status,
    ).toBe(400)
    const item = (p1.json as { data: { attributes: { updated_at: string; id: number } }[] }).data[0]
    expect(item?.attributes.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/)
  })

  it('deletes leave no trace in listings, and GET by id answers 404', async () => {
    const token = await v1Token(sim)
    const id = sim.company.list('timeOffs')[0]?.id as number
    sim.company.remove('timeOffs', id)
    const all = await call(sim, 'GET', '/v1/company/time-offs?limit=200', { token })
    expect(
      (all.json as { data: { attributes: { id: number } }[] }).data.map((o) => o.attributes.id),
    ).not.toContain(id)
    expect((await call(sim, 'GET', `/v1/company/time-offs/${id}`, { token })).json).toEqual({
      success: false,
      error: { code: 404, message: 'The absence period was not found.' },
    })
  })

  it('v2: problem+json on a bad limit, cursor or filter', async () => {
    const token = await v1Token(sim)
    for (const path of [
      ...['limit=101', 'cursor=garbage', 'updated_at.gte=yesterday', 'id.nooperator=1'].map(
        (q) => `/v2/attendance-periods?${q}`,
      ),
      ...['limit=51', 'limit=0', 'updated_at.gt=soon', 'status=GONE', 'updated_at.gte=2026-01-01'].map(
        (q) => `/v2/persons?${q}`,
      ),
      ...['limit=101', 'starts_from.date_time.gte=never', 'updated_at.gt=2026-01-01'].map(
        (q) => `/v2/absence-periods?${q}`,
      ),
    ]) {
      const res = await call(sim, 'GET', path, { token })
      expect(res.status).toBe(400)
      expect(res.headers['content-type']).toBe('application/problem+json')
      expect(res.json).toMatchObject({
        personio_trace_id: expect.any(String),
        errors: [{ title: 'Bad request' }],
      })
    }
  })

  it('v2 persons: 10 per page by default, UTC timestamps, employments link; unknown person 404', async () => {
    const token = await v1Token(sim)
    const res = await call(sim, 'GET', '/v2/persons', { token })
    const body = res.json as {
      _data: Record<string, unknown>[]
      _meta: { links: { next?: { href: string } } }
    }
    expect(body._data).toHaveLength(10)
    expect(body._meta.links.next?.href).toMatch(new RegExp(`^${sim.url}/v2/persons\\?`))
    const first = body._data[0] as { id: string; updated_at: string; custom_attributes: unknown[] }
    expect(first.id).toBe(String(sim.company.list('employees')[0]?.id))
    expect(first.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(first.custom_attributes).toHaveLength(sim.company.customAttributes.length)
    const missing = await call(sim, 'GET', '/v2/persons/424242/employments', { token })
    expect(missing.status).toBe(404)
    expect(missing.headers['content-type']).toBe('application/problem+json')
  })

  it('answers 404 on the endpoints Personio removed; breakdowns page by at most 28', async () => {
    const token = await v1Token(sim)
    for (const { endpoint } of absentResources) {
      const path = endpoint.replace(/^v1 GET /, '/v1')
      const gone = await call(sim, 'GET', `${path}?start_date=2025-01-01&end_date=2026-12-31`, { token })
      expect({ path, status: gone.status }).toEqual({ path, status: 404 })
    }
    const period = sim.company.list('absencePeriods').find((p) => p.end !== null)
    const tooMany = await call(sim, 'GET', `/v2/absence-periods/${period?.id}/breakdowns?limit=29`, { token })
    expect(tooMany.status).toBe(400)
  })

  it('rate limits: 429 without Retry-After, x-ratelimit-* headers on every response', async () => {
    const limited = await startSimulator({ employees: 5 })
    try {
      const token = await v1Token(limited)
      const statuses: number[] = []
      let last: Awaited<ReturnType<typeof call>> | undefined
      for (let i = 0; i < 20; i++) {
        last = await call(limited, 'GET', '/v1/company/employees?limit=1', { token })
        statuses.push(last.status)
        expect(last.headers['x-ratelimit-burst-capacity']).toBe('15')
        expect(last.headers['x-ratelimit-replenish-rate']).toBe('5')
      }
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0)
      expect(last?.headers['retry-after']).toBeUndefined()
      expect(limited.counters()['429']).toBeGreaterThan(0)
    } finally {
      await limited.close()
    }
  })

  it('control API: mutate, advance the clock, add a custom attribute, inject faults', async () => {
    const token = await v1Token(sim)
    const id = sim.company.list('employees')[0]?.id as number
    expect(
      (
        await call(sim, 'PATCH', `/_sim/employees/${id}`, {
          body: JSON.stringify({ position: 'CTO' }),
          type: 'application/json',
        })
      ).status,
    ).toBe(200)
    expect((await call(sim, 'GET', `/v1/company/employees/${id}`, { token })).json).toMatchObject({
      data: { attributes: { position: { value: 'CTO' } } },
    })
    await call(sim, 'POST', '/_sim/custom-attributes', {
      body: JSON.stringify({ label: 'Lieblingsfarbe' }),
      type: 'application/json',
    })
    const defs = await call(sim, 'GET', '/v1/company/employees/attributes', { token })
    expect(JSON.stringify(defs.json)).toContain('Lieblingsfarbe')
    await call(sim, 'POST', '/_sim/faults', {
      body: JSON.stringify({
        path: '/v1/company/document-categories',
        status: 502,
        times: 1,
        german: true,
        codeZero: true,
      }),
      type: 'application/json',
    })
    expect((await call(sim, 'GET', '/v1/company/document-categories', { token })).json).toEqual({
      success: false,
      error: { code: 0, message: 'Es ist ein Problem aufgetreten' },
    })
    expect((await call(sim, 'GET', '/v1/company/document-categories', { token })).status).toBe(200)
    const advanced = await call(sim, 'POST', '/_sim/clock/advance', {
      body: JSON.stringify({ ms: 3_600_000 }),
      type: 'application/json',
    })
    expect(advanced.json).toEqual({ now: '2026-01-15T10:00:00.000Z' })
  })
})
