// `personio-kafka doctor`: a checklist of everything the service needs, with what to change for
// each item that is wrong. Exit 0 when all is well, else the `check` exit code.
import type { Command } from 'commander'
import { type Config } from '../config'
import { loadCompanyConfig, loadConfig } from './load-config'
import { ConfigError } from '../errors'
import { createLogger } from '../ops/logger'
import { readCompanyDirectory } from '../companies/directory'
import { checkKafka, checkPersonio, checkRegistry, type Finding } from './doctor-checks'
import { checkWebhooks } from './doctor-webhooks'
import { exitCodes } from './exit-codes'

const mark = { ok: '✓', fix: '✗', skip: '-' } as const
const titles = {
  companies: 'Companies (COMPANIES_DIR)',
  personio: 'Personio',
  kafka: 'Kafka',
  registry: 'Schema registry',
  webhooks: 'Webhooks',
} as const

function print(findings: readonly Finding[]): void {
  let area: string | undefined
  for (const finding of findings) {
    if (finding.area !== area) console.log(`${area === undefined ? '' : '\n'}${titles[finding.area]}`)
    area = finding.area
    console.log(`  ${mark[finding.verdict]} ${finding.text}`)
  }
}

/** Every company file of the directory: taken, or refused with its one line. */
function checkCompanies(dir: string): Finding[] {
  const directory = readCompanyDirectory(dir)
  const ids = [...directory.companies.keys()]
  return [
    {
      area: 'companies',
      verdict: ids.length === 0 ? 'fix' : 'ok',
      text:
        ids.length === 0
          ? `${dir} holds no company file: add one <id>.json per company (README: Many companies, one deployment)`
          : `${ids.length} compan${ids.length === 1 ? 'y' : 'ies'}: ${ids.join(', ')}; check one's Personio and webhooks with doctor --company <id>`,
    },
    ...directory.refused.map((r): Finding => ({ area: 'companies', verdict: 'fix', text: r.why })),
  ]
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check configuration, Personio credentials and scopes, Kafka and the registry; say what to fix',
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option(
      '--company <id>',
      "with COMPANIES_DIR: check that company's file, credentials, topics and webhooks",
    )
    .addHelpText(
      'after',
      `
Checks: the configuration; Personio credentials, the token, read access per resource and the
employee attribute whitelist (last_modified_at); broker reachability, authentication and the
cleanup policy of existing topics; registry reachability, compatibility level and whether each
existing subject accepts the current schemas; with WEBHOOK_PUBLIC_URL set, the webhook
subscription (exists, ENABLED, the events of the selected resources). Exits ${exitCodes.check.code} when something needs fixing.

Examples:
  $ personio-kafka doctor
  $ personio-kafka doctor --company acme          with COMPANIES_DIR: one company
  $ KAFKA_BROKERS=kafka-1:9092 KAFKA_SASL_MECHANISM=scram-sha-512 personio-kafka doctor`,
    )
    .action(async (o: { config?: string; company?: string }) => {
      let config: Config
      try {
        config =
          o.company === undefined
            ? loadConfig({ file: o.config })
            : loadCompanyConfig({ file: o.config, company: o.company }).config
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        console.log('Configuration')
        for (const p of error.problems) console.log(`  ${mark.fix} ${p}`)
        console.log(`\n${error.problems.length} setting(s) to fix before anything else can be checked`)
        process.exitCode = exitCodes.check.code
        return
      }
      const logger = createLogger({
        ...config.log,
        level: config.log.level === 'info' ? 'warn' : config.log.level,
      })
      console.log('Configuration\n  ✓ every setting valid\n')
      // a worker's deployment: every company file judged; each company's Personio and webhooks are
      // its own (--company <id>), the deployment's Kafka and registry are everyone's
      const group = o.company === undefined && config.workers.companiesDir !== undefined
      const findings = group
        ? [
            ...checkCompanies(config.workers.companiesDir as string),
            ...(await checkKafka(config, logger)),
            ...(await checkRegistry(config)),
          ]
        : [
            ...(await checkPersonio(config, logger)),
            ...(await checkKafka(config, logger)),
            ...(await checkRegistry(config)),
            ...(await checkWebhooks(config, logger)),
          ]
      print(findings)
      const fix = findings.filter((f) => f.verdict === 'fix').length
      console.log(fix === 0 ? '\nall checks passed' : `\n${fix} thing(s) to fix`)
      if (fix > 0) process.exitCode = exitCodes.check.code
    })
}
