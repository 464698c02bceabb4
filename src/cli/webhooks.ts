// `personio-kafka webhooks register|list|delete`: the Personio webhook subscription of this
// service, found by its URL (WEBHOOK_PUBLIC_URL). `register` is idempotent: run it on every
// deploy; it creates the subscription, or PATCHes it back to ENABLED with our token and the events
// of the selected resources, and leaves exactly one for our URL. Tokens are never printed.
import type { Command } from 'commander'
import { type Config } from '../config'
import { loadConfig } from './load-config'
import { createLogger, type Logger } from '../ops/logger'
import { planWebhook, sameUrl } from '../personio/webhooks'
import { resourceNames, type ResourceName } from '../resources'
import { resourceList } from './arguments'
import { desiredWebhook, publicUrl, selectedResources, webhookClient } from './webhook-setup'

function open(file: string | undefined): { config: Config; logger: Logger } {
  const config = loadConfig({ file })
  const level = config.log.level === 'info' ? 'warn' : config.log.level
  return { config, logger: createLogger({ ...config.log, level }) }
}

const events = (w: { enabled_events: readonly string[] }) =>
  `${w.enabled_events.length} event(s): ${w.enabled_events.join(', ')}`

async function register(flags: { config?: string; resources?: ResourceName[] }): Promise<void> {
  const { config, logger } = open(flags.config)
  const desired = desiredWebhook(config, selectedResources(config, flags.resources))
  const webhooks = webhookClient(config, logger)
  const plan = planWebhook(await webhooks.list(), desired)
  if (plan.action === 'create') {
    const created = await webhooks.create(desired)
    console.log(`created webhook ${created.id} for ${desired.url}: ENABLED, token auth, ${events(desired)}`)
  } else if (plan.action === 'update') {
    await webhooks.update(plan.id, plan.patch)
    console.log(`updated webhook ${plan.id} for ${desired.url}: ${plan.changes.join('; ')}`)
  } else {
    console.log(`webhook ${plan.id} for ${desired.url} is up to date: ENABLED, ${events(desired)}`)
  }
  for (const extra of plan.extra) {
    await webhooks.remove(extra.id)
    console.log(
      `deleted webhook ${extra.id}: a second subscription for ${extra.url} would deliver every event twice`,
    )
  }
}

async function list(flags: { config?: string }): Promise<void> {
  const { config, logger } = open(flags.config)
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

async function remove(flags: { config?: string; id?: string }): Promise<void> {
  const { config, logger } = open(flags.config)
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
  $ personio-kafka webhooks delete`,
    )
  command
    .command('register')
    .description(
      'subscribe WEBHOOK_PUBLIC_URL to the events of the selected resources (idempotent: creates, or updates ours)',
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--resources <list>', `comma-separated subset of: ${resourceNames.join(', ')}`, resourceList)
    .action(register)
  command
    .command('list')
    .description('list the webhook subscriptions in Personio, ours marked (tokens never shown)')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .action(list)
  command
    .command('delete')
    .description('delete our subscription (the one for WEBHOOK_PUBLIC_URL), or the one given with --id')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--id <id>', 'the id of the subscription to delete (see `webhooks list`)')
    .action(remove)
}
