// `personio-kafka webhooks register|list|delete`: the Personio webhook subscription of this
// service, found by its URL (WEBHOOK_PUBLIC_URL). `register` is idempotent: run it on every
// deploy; it creates the subscription, or PATCHes it back to ENABLED with our token and the events
// of the selected resources, and leaves exactly one for our URL. Tokens are never printed. With
// many companies (COMPANIES_DIR, issue #28) `--company <id>` does the same for one company — its
// own account, URL `<WEBHOOK_PUBLIC_URL>/<id>` and token — and `register --all` for every company,
// one line each, the others still done when one fails.
import { Option, type Command } from 'commander'
import { readCompanyDirectory } from '../companies/directory'
import { type Config } from '../config'
import { ConfigError } from '../errors'
import { loadCompanyConfig, loadConfig } from './load-config'
import { createLogger, type Logger } from '../ops/logger'
import { sameUrl } from '../personio/webhooks'
import { resourceNames, type ResourceName } from '../resources'
import { resourceList } from './arguments'
import {
  companyWithToken,
  desiredWebhook,
  publicUrl,
  registerCompanies,
  registerWebhook,
  selectedResources,
  webhookClient,
} from './webhook-setup'

interface Flags {
  config?: string
  company?: string
}

const quietLogger = (config: Config): Logger => {
  const level = config.log.level === 'info' ? 'warn' : config.log.level
  return createLogger({ ...config.log, level })
}

/** The deployment's configuration, or with --company that company's (a company without a token refused when `needsToken`). */
function open(flags: Flags, needsToken = false): { config: Config; logger: Logger } {
  if (flags.company === undefined) {
    const config = loadConfig({ file: flags.config })
    return { config, logger: quietLogger(config) }
  }
  const { config, company } = loadCompanyConfig({ file: flags.config, company: flags.company })
  if (needsToken) companyWithToken(company)
  return { config, logger: quietLogger(config) }
}

const events = (w: { enabled_events: readonly string[] }) =>
  `${w.enabled_events.length} event(s): ${w.enabled_events.join(', ')}`

async function register(flags: Flags & { all?: boolean; resources?: ResourceName[] }): Promise<void> {
  if (flags.all === true) return registerAll(flags)
  const { config, logger } = open(flags, true)
  const desired = desiredWebhook(config, selectedResources(config, flags.resources))
  const done = await registerWebhook(webhookClient(config, logger), desired)
  if (done.action === 'created')
    console.log(`created webhook ${done.id} for ${desired.url}: ENABLED, token auth, ${events(desired)}`)
  else if (done.action === 'updated')
    console.log(`updated webhook ${done.id} for ${desired.url}: ${done.changes.join('; ')}`)
  else console.log(`webhook ${done.id} for ${desired.url} is up to date: ENABLED, ${events(desired)}`)
  for (const extra of done.deleted)
    console.log(
      `deleted webhook ${extra.id}: a second subscription for ${extra.url} would deliver every event twice`,
    )
}

async function registerAll(flags: { config?: string; resources?: ResourceName[] }): Promise<void> {
  const base = loadConfig({ file: flags.config })
  const dir = base.workers.companiesDir
  if (dir === undefined)
    throw new ConfigError([
      '--all needs COMPANIES_DIR: the directory of the company files (<id>.json); e.g. COMPANIES_DIR=/etc/personio-kafka/companies',
    ])
  publicUrl(base, 'each company is registered at <WEBHOOK_PUBLIC_URL>/<company id>')
  const logger = quietLogger(base)
  const result = await registerCompanies(base, readCompanyDirectory(dir), flags.resources, (config) =>
    webhookClient(config, logger),
  )
  if (result.lines.length === 0) console.log(`no company files (<id>.json) in ${dir}: nothing to register`)
  for (const line of result.lines) console.log(line)
  if (result.exitCode !== 0) process.exitCode = result.exitCode
}

async function list(flags: Flags): Promise<void> {
  const { config, logger } = open(flags)
  const all = await webhookClient(config, logger).list()
  const ours = config.webhooks.publicUrl
  if (all.length === 0) {
    console.log('no webhooks in Personio')
    return
  }
  console.log(
    ours === undefined
      ? 'webhooks in Personio (WEBHOOK_PUBLIC_URL is not set: none is marked as ours)'
      : `webhooks in Personio (* = ours: ${ours})`,
  )
  for (const w of all) {
    const mark = ours !== undefined && sameUrl(w.url, ours) ? '*' : ' '
    console.log(`${mark} ${w.id}  ${w.status.padEnd(8)}  ${w.url}  ${w.enabled_events.join(',')}`)
  }
}

async function remove(flags: Flags & { id?: string }): Promise<void> {
  const { config, logger } = open(flags, flags.id === undefined)
  const client = webhookClient(config, logger)
  if (flags.id !== undefined) {
    await client.remove(flags.id)
    console.log(`deleted webhook ${flags.id}`)
    return
  }
  const url = publicUrl(config, '`webhooks delete` deletes the subscription for that URL (or give --id)')
  const ours = (await client.list()).filter((w) => sameUrl(w.url, url))
  if (ours.length === 0) console.log(`no webhook for ${url}: nothing to delete`)
  for (const w of ours) {
    await client.remove(w.id)
    console.log(`deleted webhook ${w.id} for ${w.url}`)
  }
}

export function registerWebhooks(program: Command): void {
  const command = program
    .command('webhooks')
    .description("this service's webhook subscription in Personio: register, list, delete")
    .addHelpText(
      'after',
      `
Personio announces changes of persons, employments, absence and attendance periods by POSTing
to a public https URL (WEBHOOK_PUBLIC_URL), with WEBHOOK_TOKEN as the Authorization header.

Examples:
  $ WEBHOOK_PUBLIC_URL=https://hooks.example.com/personio WEBHOOK_TOKEN_FILE=/run/secrets/hook personio-kafka webhooks register
  $ personio-kafka webhooks list
  $ personio-kafka webhooks delete

With many companies (COMPANIES_DIR), each has its own URL <WEBHOOK_PUBLIC_URL>/<id>, its own
Personio account and token (its company file):
  $ personio-kafka webhooks register --company acme
  $ personio-kafka webhooks register --all       one line per company; exits non-zero if any failed`,
    )
  const company = () =>
    new Option('--company <id>', 'with COMPANIES_DIR: the company of that file (<id>.json), at its own URL')
  command
    .command('register')
    .description(
      'subscribe WEBHOOK_PUBLIC_URL to the events of the selected resources (idempotent: creates, or updates ours)',
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--resources <list>', `comma-separated subset of: ${resourceNames.join(', ')}`, resourceList)
    .addOption(company().conflicts('all'))
    .addOption(
      new Option(
        '--all',
        'with COMPANIES_DIR: every company, one line each (the others still done when one fails)',
      ),
    )
    .action(register)
  command
    .command('list')
    .description('list the webhook subscriptions in Personio, ours marked (tokens never shown)')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .addOption(company())
    .action(list)
  command
    .command('delete')
    .description('delete our subscription (the one for WEBHOOK_PUBLIC_URL), or the one given with --id')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .addOption(company())
    .option('--id <id>', 'the id of the subscription to delete (see `webhooks list`)')
    .action(remove)
}
