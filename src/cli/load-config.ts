// The configuration as every command loads it: the config loader's checks, then the settings
// whose meaning belongs to a layer above config/ (Personio's rate families), so that a bad
// PERSONIO_RATE_LIMITS is refused in one line by any command, as before, while config/ itself
// depends on nothing above it. A command given --company loads that company's configuration from
// COMPANIES_DIR the same way (issue #28).
import { companyConfig } from '../companies/company-config'
import type { Company } from '../companies/company'
import { readCompanyDirectory } from '../companies/directory'
import { loadConfig as loadTree, type Config, type LoadOptions } from '../config'
import { ConfigError } from '../errors'
import { rateSettings } from '../personio/rate-settings'

export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  const config = loadTree(options)
  rateSettings(config.personio)
  return config
}

/**
 * One company's configuration (`doctor --company acme`, …): the deployment's configuration with
 * the company's file laid over it. A company not there, or refused, is a ConfigError of one line.
 */
export function loadCompanyConfig(options: LoadOptions & { company: string }): {
  config: Readonly<Config>
  company: Company
} {
  const { company: id, ...load } = options
  const base = loadConfig(load)
  const dir = base.workers.companiesDir
  if (dir === undefined)
    throw new ConfigError([
      `--company needs COMPANIES_DIR: the directory of the company files (<id>.json); e.g. COMPANIES_DIR=/etc/personio-kafka/companies`,
    ])
  const directory = readCompanyDirectory(dir)
  const company = directory.companies.get(id)
  if (company !== undefined) return { config: companyConfig(base, company), company }
  const refused = directory.refused.find((r) => r.id === id)
  if (refused !== undefined) throw new ConfigError([refused.why])
  const known = [
    ...directory.companies.keys(),
    ...directory.refused.flatMap((r) => (r.id === undefined ? [] : [r.id])),
  ]
  throw new ConfigError([
    `no company "${id}" in ${dir}; ${known.length === 0 ? 'it holds no company file (<id>.json)' : `there are: ${[...new Set(known)].sort().join(', ')}`}`,
  ])
}
