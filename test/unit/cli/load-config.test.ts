import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadCompanyConfig, loadConfig } from '../../../src/cli/load-config'
import { ConfigError } from '../../../src/errors'
import { rateSettings } from '../../../src/personio/rate-settings'

describe('cli > load-config', () => {
  it('refuses a PERSONIO_RATE_LIMITS entry it does not understand, with the rest of the configuration', () => {
    expect(() => loadConfig({ env: { PERSONIO_RATE_LIMITS: 'employees=lots' } })).toThrow(
      /PERSONIO_RATE_LIMITS \(personio\.rateLimits\): "employees=lots" is not/,
    )
  })

  it('refuses a ceiling of a family never learned, and hands the figures to the client', () => {
    expect(() => loadConfig({ env: { PERSONIO_RATE_CEILINGS: 'v1-auth=9' } })).toThrow(
      /PERSONIO_RATE_CEILINGS \(personio\.rateCeilings\): v1-auth is never learned/,
    )
    const config = loadConfig({
      env: { PERSONIO_RATE_LIMITS: 'employees=3', PERSONIO_RATE_CEILINGS: 'employees=6' },
    })
    expect(rateSettings(config.personio)).toEqual({
      rateLimits: { employees: { rate: 3, burst: 9 } },
      rateCeilings: { employees: 6 },
    })
  })
})

describe('cli > load-config > loadCompanyConfig', () => {
  const root = mkdtempSync(join(tmpdir(), 'pk-load-company-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const dir = join(root, 'companies')
  mkdirSync(dir)
  const company = (id: string, prefix: string) => {
    writeFileSync(
      join(dir, `${id}.json`),
      JSON.stringify({ prefix, personio: { clientId: `papi-${id}`, clientSecretFile: `${id}.secret` } }),
    )
    writeFileSync(join(dir, `${id}.secret`), `secret-${id}\n`)
  }
  company('acme', 'hr.acme')
  company('globex', 'hr.shared')
  company('initech', 'hr.shared')
  writeFileSync(join(dir, 'umbrella.json'), '[]')

  const problemOf = (fn: () => unknown): string => {
    try {
      fn()
    } catch (error) {
      if (error instanceof ConfigError && error.problems.length === 1) return error.problems[0] as string
      throw error
    }
    throw new Error('expected a ConfigError of one line')
  }

  it("gives the company's configuration over the deployment's", () => {
    const { config, company } = loadCompanyConfig({
      company: 'acme',
      env: { COMPANIES_DIR: dir, POLL_INTERVAL_MS: '30000' },
    })
    expect(company.spec.id).toBe('acme')
    expect(config.topics.prefix).toBe('hr.acme')
    expect(config.personio).toMatchObject({ clientId: 'papi-acme', clientSecret: 'secret-acme' })
    expect(config.capture.pollIntervalMs).toBe(30000)
  })

  it('needs COMPANIES_DIR', () => {
    expect(problemOf(() => loadCompanyConfig({ company: 'acme', env: {} }))).toMatch(
      /^--company needs COMPANIES_DIR: /,
    )
  })

  it('refuses a refused company with its refusal line, and an unknown one with the companies there', () => {
    expect(problemOf(() => loadCompanyConfig({ company: 'globex', env: { COMPANIES_DIR: dir } }))).toBe(
      `${join(dir, 'globex.json')}: prefix "hr.shared" is also named by ${join(dir, 'initech.json')}; both are refused, as one prefix has one writer: give each company its own prefix`,
    )
    expect(problemOf(() => loadCompanyConfig({ company: 'umbrella', env: { COMPANIES_DIR: dir } }))).toMatch(
      /umbrella\.json: must be one JSON object/,
    )
    expect(problemOf(() => loadCompanyConfig({ company: 'hooli', env: { COMPANIES_DIR: dir } }))).toBe(
      `no company "hooli" in ${dir}; there are: acme, globex, initech, umbrella`,
    )
    const empty = join(root, 'empty')
    mkdirSync(empty)
    expect(problemOf(() => loadCompanyConfig({ company: 'acme', env: { COMPANIES_DIR: empty } }))).toBe(
      `no company "acme" in ${empty}; it holds no company file (<id>.json)`,
    )
  })
})
