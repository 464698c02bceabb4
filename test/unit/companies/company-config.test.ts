// A company's configuration is the deployment's with its file laid over it: its topics, its
// Personio account, its resources and field policy, and its own webhook URL, path and token.
import type { Company } from '../../../src/companies/company'
import { companiesWebhookPath, companyConfig } from '../../../src/companies/company-config'
import { loadConfig, type Config } from '../../../src/config'

const TOKEN = 'Bearer acme-0123456789abcdef01234'

const acme = (more: Partial<Company> = {}, spec: Partial<Company['spec']> = {}): Company => ({
  spec: {
    id: 'acme',
    prefix: 'hr.acme',
    personio: { clientId: 'papi-acme', clientSecretFile: 'acme.secret' },
    ...spec,
  },
  file: '/etc/companies/acme.json',
  clientSecret: 'secret-acme',
  webhookToken: TOKEN,
  fingerprint: 'f',
  ...more,
})

const base = (env: NodeJS.ProcessEnv = {}): Config =>
  loadConfig({
    env: {
      TOPIC_PREFIX: 'personio',
      PERSONIO_CLIENT_ID: 'deployment-id',
      PERSONIO_CLIENT_SECRET: 'deployment-secret',
      CAPTURE_RESOURCES: 'employees,absences',
      FIELD_POLICY: '{"employees":{"drop":["iban"]}}',
      POLL_INTERVAL_MS: '30000',
      ...env,
    },
  })

describe('companies > company-config', () => {
  it("lays the company's prefix and Personio account over the deployment's settings", () => {
    const config = companyConfig(base(), acme())
    expect(config.topics.prefix).toBe('hr.acme')
    expect(config.personio).toMatchObject({
      baseUrl: 'https://api.personio.de',
      clientId: 'papi-acme',
      clientSecret: 'secret-acme',
    })
    expect(config.capture.resources).toEqual(['employees', 'absences'])
    expect(config.fields.policy).toEqual({ employees: { drop: ['iban'] } })
    expect(config.capture.pollIntervalMs).toBe(30000) // the deployment's
    expect(Object.isFrozen(config.personio) && Object.isFrozen(config.capture.resources)).toBe(true)
  })

  it("takes the company's base URL, resources and field policy when it names them", () => {
    const company = acme(
      {},
      {
        personio: { baseUrl: 'https://eu.personio.example', clientId: 'c', clientSecretFile: 's' },
        resources: ['projects'],
        fieldPolicy: { employees: { hash: ['email'] } },
      },
    )
    const config = companyConfig(base(), company)
    expect(config.personio.baseUrl).toBe('https://eu.personio.example')
    expect(config.capture.resources).toEqual(['projects'])
    expect(config.fields.policy).toEqual({ employees: { hash: ['email'] } })
    expect(Object.isFrozen(company.spec.fieldPolicy)).toBe(false) // the caller's company is left alone
  })

  it('gives each company its own webhook URL, path and token under the public URL', () => {
    for (const publicUrl of ['https://hooks.example.com/personio', 'https://hooks.example.com/personio/']) {
      const { webhooks } = companyConfig(base({ WEBHOOK_PUBLIC_URL: publicUrl }), acme())
      expect(webhooks).toMatchObject({
        publicUrl: 'https://hooks.example.com/personio/acme',
        path: '/personio/acme',
        token: TOKEN,
      })
    }
    const atRoot = companyConfig(base({ WEBHOOK_PUBLIC_URL: 'https://hooks.example.com' }), acme()).webhooks
    expect(atRoot).toMatchObject({ publicUrl: 'https://hooks.example.com/acme', path: '/acme' })
  })

  it('derives the path from WEBHOOK_PATH when an ingress rewrites paths', () => {
    for (const path of ['/in', '/in/']) {
      const config = base({ WEBHOOK_PUBLIC_URL: 'https://hooks.example.com/personio', WEBHOOK_PATH: path })
      expect(companiesWebhookPath(config.webhooks)).toBe('/in')
      expect(companyConfig(config, acme()).webhooks).toMatchObject({
        publicUrl: 'https://hooks.example.com/personio/acme',
        path: '/in/acme',
      })
    }
  })

  it('gives no webhooks to a company without a token, nor to any without a public URL', () => {
    const hooked = base({ WEBHOOK_PUBLIC_URL: 'https://hooks.example.com/p', WEBHOOK_TOKEN: 'x'.repeat(30) })
    const noToken = companyConfig(hooked, acme({ webhookToken: undefined })).webhooks
    expect(noToken.publicUrl).toBeUndefined()
    expect(noToken.token).toBeUndefined() // never the deployment's token
    const noUrl = companyConfig(base(), acme()).webhooks
    expect(noUrl.publicUrl).toBeUndefined()
    expect(noUrl.token).toBeUndefined()
    expect(companiesWebhookPath(base().webhooks)).toBeUndefined()
  })
})
