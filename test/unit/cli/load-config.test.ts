import { loadConfig } from '../../../src/cli/load-config'
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
