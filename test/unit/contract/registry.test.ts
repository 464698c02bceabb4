// Error branches of the registry client that a real registry cannot be made to produce on demand
// (401, 422, 5xx), and request coalescing counted exactly. Happy paths and compatibility rules
// run against the real registry in test/integration/contract/registry.test.ts.
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici'
import { createSchemaRegistry } from '../../../src/contract/registry'
import { ContractError } from '../../../src/errors'

const BASE = 'http://registry.test'
const schema = { type: 'record', name: 'Value', namespace: 'personio.x', fields: [] }
const json = { headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' } }

describe('contract > registry (error branches)', () => {
  let agent: MockAgent
  let previous: Dispatcher
  beforeEach(() => {
    previous = getGlobalDispatcher()
    agent = new MockAgent()
    agent.disableNetConnect()
    setGlobalDispatcher(agent)
  })
  afterEach(async () => {
    agent.assertNoPendingInterceptors()
    await agent.close()
    setGlobalDispatcher(previous)
  })

  const registry = () => createSchemaRegistry({ url: `${BASE}/apis/ccompat/v7/` })
  const pool = () => agent.get(BASE)

  it('names the subject and what to do on 401', async () => {
    pool().intercept({ path: '/apis/ccompat/v7/subjects/t-value/versions/latest' }).reply(401, '{}', json)
    const error = await registry()
      .register('t-value', schema)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ContractError)
    expect((error as ContractError).subject).toBe('t-value')
    expect((error as ContractError).message).toMatch(/SCHEMA_REGISTRY_USERNAME/)
  })

  it('refuses an incompatible change at the pre-flight check, without registering', async () => {
    pool()
      .intercept({ path: '/apis/ccompat/v7/subjects/t-value/versions/latest' })
      .reply(200, { id: 1, version: 1, schema: '{"type":"record","name":"Value","fields":[]}' }, json)
    pool()
      .intercept({ path: '/apis/ccompat/v7/config/t-value?defaultToGlobal=true' })
      .reply(200, { compatibilityLevel: 'FULL_TRANSITIVE' }, json)
    pool()
      .intercept({
        method: 'POST',
        path: '/apis/ccompat/v7/compatibility/subjects/t-value/versions/latest?verbose=true',
      })
      .reply(200, { is_compatible: false, messages: ['READER_FIELD_MISSING_DEFAULT_VALUE: x'] }, json)
    // no interceptor for POST /subjects/t-value/versions: registering would fail differently
    const error = (await registry()
      .register('t-value', schema)
      .catch((e: unknown) => e)) as ContractError
    expect(error).toBeInstanceOf(ContractError)
    expect(error.subject).toBe('t-value')
    expect(error.paths).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE: x'])
    expect(error.message).toMatch(/FULL_TRANSITIVE.*nothing was published/)
  })

  it('explains a 422 (invalid schema) with the registry message', async () => {
    pool()
      .intercept({ path: '/apis/ccompat/v7/subjects/t-value/versions/latest' })
      .reply(404, { error_code: 40401, message: "Subject 't-value' not found." }, json)
    pool()
      .intercept({ method: 'POST', path: '/apis/ccompat/v7/subjects/t-value/versions' })
      .reply(422, { error_code: 42201, message: 'Invalid schema' }, json)
    const error = (await registry()
      .register('t-value', schema)
      .catch((e: unknown) => e)) as ContractError
    expect(error.subject).toBe('t-value')
    expect(error.paths).toEqual(['Invalid schema'])
    expect(error.message).toMatch(/422.*bug in the generated schema/)
    expect(error.retriable).toBe(false)
  })

  it('marks 5xx as retriable', async () => {
    pool().intercept({ path: '/apis/ccompat/v7/schemas/ids/9' }).reply(503, 'down')
    const error = (await registry()
      .schemaById(9)
      .catch((e: unknown) => e)) as ContractError
    expect(error).toBeInstanceOf(ContractError)
    expect(error.retriable).toBe(true)
  })

  it('coalesces concurrent lookups of one id into one request, then serves the cache', async () => {
    pool()
      .intercept({ path: '/apis/ccompat/v7/schemas/ids/7' })
      .reply(200, { schema: '"string"' }, json)
      .times(1)
    const client = registry()
    const all = await Promise.all(Array.from({ length: 5 }, () => client.schemaById(7)))
    expect(new Set(all)).toEqual(new Set(['"string"']))
    expect(await client.schemaById(7)).toBe('"string"')
  })

  it('sends basic auth from SCHEMA_REGISTRY_USERNAME/PASSWORD on every request', async () => {
    const authorization = `Basic ${Buffer.from('sr-user:sr-pass').toString('base64')}`
    pool()
      .intercept({ path: '/apis/ccompat/v7/schemas/ids/5', headers: { authorization } })
      .reply(200, { schema: '"string"' }, json)
    const client = createSchemaRegistry({
      url: `${BASE}/apis/ccompat/v7`,
      username: 'sr-user',
      password: 'sr-pass',
    })
    expect(await client.schemaById(5)).toBe('"string"')
  })

  it('says SCHEMA_REGISTRY_URL probably lacks /apis/ccompat/v7 when the root answers a bare 404', async () => {
    pool()
      .intercept({ path: '/subjects/t-value/versions/latest' })
      .reply(404, { title: 'RESTEASY003210: Could not find resource', status: 404 }, json)
    const error = (await createSchemaRegistry({ url: BASE })
      .register('t-value', schema)
      .catch((e: unknown) => e)) as ContractError
    expect(error).toBeInstanceOf(ContractError)
    expect(error.message).toContain(
      `SCHEMA_REGISTRY_URL probably lacks the API path: Apicurio serves it under /apis/ccompat/v7, e.g. SCHEMA_REGISTRY_URL=${BASE}/apis/ccompat/v7`,
    )
  })
})
