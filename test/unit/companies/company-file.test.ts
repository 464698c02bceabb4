// A company file is taken whole or refused in one line that names the file and the field and says
// what to write instead; a secret is never accepted in clear, and a typo is never ignored.
import { companyIdOf, parseCompanyFile } from '../../../src/companies/company-file'

const good = {
  prefix: 'hr.acme',
  personio: { baseUrl: 'https://api.personio.de', clientId: 'papi-acme', clientSecretFile: 'acme.secret' },
  resources: ['employees', 'absences'],
  fieldPolicy: { employees: { drop: ['fix_salary'], hash: ['email'] } },
  webhookTokenFile: 'acme.token',
}

/** The one refusal line of a file, or fails the test when it was taken. */
function refusal(name: string, body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const result = parseCompanyFile(`companies/${name}`, text)
  if (!('refused' in result)) throw new Error(`expected companies/${name} to be refused`)
  expect(result.refused.why).not.toContain('\n')
  expect(result.refused.file).toBe(`companies/${name}`)
  return result.refused.why
}

describe('companies > company-file', () => {
  it('takes a complete file, its id from the file name', () => {
    expect(parseCompanyFile('companies/acme.json', JSON.stringify(good))).toEqual({
      spec: { id: 'acme', ...good },
    })
  })

  it('takes a minimal file: prefix and Personio credentials by file', () => {
    const minimal = {
      prefix: 'globex',
      personio: { clientId: 'papi-g', clientSecretFile: '/run/secrets/globex' },
    }
    expect(parseCompanyFile('globex-2.json', JSON.stringify(minimal))).toEqual({
      spec: { id: 'globex-2', ...minimal },
    })
  })

  it('refuses a file that is not JSON, saying where, without quoting its text', () => {
    const why = refusal('acme.json', '{ "prefix": "hr", "personio": { "clientSecret": "s3cr3t-value" ')
    expect(why).toMatch(/^companies\/acme\.json: not JSON \(/)
    expect(why).not.toContain('s3cr3t-value')
    expect(refusal('acme.json', '')).toBe(
      'companies/acme.json: not JSON (it ends too early); a company file is one JSON object',
    )
  })

  it('refuses an array or a bare value', () => {
    expect(refusal('acme.json', [good])).toMatch(
      /^companies\/acme\.json: must be one JSON object, e.g. \{"prefix"/,
    )
    expect(refusal('acme.json', '"acme"')).toMatch(/must be one JSON object/)
  })

  it('refuses a file name that is no company id', () => {
    for (const name of [
      'Acme.json',
      'acme corp.json',
      '-acme.json',
      `${'a'.repeat(64)}.json`,
      'acme.yaml',
      '.json',
    ])
      expect(refusal(name, good)).toMatch(
        /the file name must be the company id and \.json.*e\.g\. acme-gmbh\.json$/,
      )
    expect(companyIdOf('/etc/companies/a.json')).toBe('a')
    expect(companyIdOf(`${'a'.repeat(63)}.json`)).toBe('a'.repeat(63))
  })

  it('names a missing field with what to write', () => {
    expect(refusal('acme.json', { prefix: 'hr.acme', personio: { clientSecretFile: 'acme.secret' } })).toBe(
      'companies/acme.json: personio.clientId is missing; e.g. "personio": {"clientId": "…", "clientSecretFile": "acme.secret"}',
    )
    expect(refusal('acme.json', { personio: good.personio })).toBe(
      'companies/acme.json: prefix is missing; e.g. "prefix": "hr.acme"',
    )
    expect(refusal('acme.json', { prefix: 'hr', personio: { clientId: '', clientSecretFile: 'x' } })).toBe(
      'companies/acme.json: personio.clientId must not be empty',
    )
  })

  it('refuses a secret in clear, without echoing it', () => {
    const why = refusal('acme.json', {
      prefix: 'hr.acme',
      personio: { clientId: 'papi-acme', clientSecret: 'papi-secret-value' },
    })
    expect(why).toBe(
      'companies/acme.json: personio.clientSecret holds a secret in clear, which a company file must not; put the secret in a file and name it with clientSecretFile',
    )
    expect(refusal('acme.json', { ...good, webhookToken: 'Bearer abcdefghijklmnopqrstuvwxyz' })).toMatch(
      /webhookToken holds a secret in clear.*name it with webhookTokenFile$/,
    )
  })

  it('refuses an unknown key, so that a typo never drops a setting silently', () => {
    expect(refusal('acme.json', { ...good, resource: ['employees'] })).toBe(
      'companies/acme.json: resource is not a setting of a company file; known here: prefix, personio, resources, fieldPolicy, webhookTokenFile',
    )
    expect(
      refusal('acme.json', { ...good, personio: { ...good.personio, baseURL: 'https://x.example' } }),
    ).toMatch(
      /: personio\.baseURL is not a setting of a company file; known here: baseUrl, clientId, clientSecretFile$/,
    )
    expect(refusal('acme.json', { ...good, fieldPolicy: { employees: { remove: ['email'] } } })).toMatch(
      /fieldPolicy\.employees\.remove is not a setting/,
    )
  })

  it('refuses an unknown resource, in the list or in the field policy', () => {
    expect(refusal('acme.json', { ...good, resources: ['employees', 'payroll'] })).toMatch(
      /^companies\/acme\.json: resources: "payroll" is not a resource; known: employees, absences,/,
    )
    expect(refusal('acme.json', { ...good, fieldPolicy: { employee: { drop: ['x'] } } })).toMatch(
      /: fieldPolicy\.employee is not a resource; known: employees,/,
    )
  })

  it('refuses a prefix Kafka topics cannot carry, with an example', () => {
    expect(refusal('acme.json', { ...good, prefix: 'hr acme' })).toBe(
      'companies/acme.json: prefix must be letters, digits, _ or -, in dot-separated parts, got "hr acme"; e.g. "prefix": "hr.acme"',
    )
    expect(refusal('acme.json', { ...good, prefix: 'hr..acme' })).toMatch(/prefix must be letters/)
  })

  it('refuses a base URL that is not http(s), once', () => {
    expect(refusal('acme.json', { ...good, personio: { ...good.personio, baseUrl: 'ftp://x' } })).toBe(
      'companies/acme.json: personio.baseUrl must be an http(s) URL with a host, got "ftp://x"; e.g. "baseUrl": "https://api.personio.de"',
    )
  })

  it('puts every problem of one file on its one line', () => {
    const why = refusal('acme.json', {
      prefix: 'hr acme',
      personio: { clientId: 'x' },
      resources: 'employees',
    })
    expect(why.split('; ').length).toBeGreaterThanOrEqual(3)
    expect(why).toContain('prefix must be letters')
    expect(why).toContain('personio.clientSecretFile is missing')
    expect(why).toContain('resources must be a list')
  })
})
