// What `webhooks register|list|delete` and doctor's webhook check share: the Personio client from
// the configuration, the events the selected resources need (each resource declares its own,
// src/resources), the subscription this service wants, and registering it — for one company, or
// for every company of COMPANIES_DIR, each with its own account, URL and token (issue #28).
import type { Company, CompanyDirectory } from '../companies/company'
import { companyConfig } from '../companies/company-config'
import type { Config } from '../config'
import { ConfigError } from '../errors'
import type { Logger } from '../ops/logger'
import { createPersonioClient } from '../personio'
import { rateSettings } from '../personio/rate-settings'
import {
  planWebhook,
  webhookSubscriptions,
  type DesiredWebhook,
  type WebhookSubscription,
  type WebhookSubscriptions,
} from '../personio/webhooks'
import { resourceNames, resources, type ResourceName } from '../resources'
import { exitCodes } from './exit-codes'
import { describeError } from './report-error'

/** Resources with webhook events, for messages. */
export const webhookResources = resourceNames.filter((n) => (resources[n].webhookEvents ?? []).length > 0)

/** The `--resources` given, else CAPTURE_RESOURCES; unknown names are a configuration error. */
export function selectedResources(config: Config, only: readonly ResourceName[] | undefined): ResourceName[] {
  const names = only ?? config.capture.resources
  const unknown = names.filter((n) => !(resourceNames as readonly string[]).includes(n))
  if (unknown.length > 0)
    throw new ConfigError([
      `CAPTURE_RESOURCES (capture.resources) names unknown resource(s) ${unknown.join(', ')}; known: ${resourceNames.join(', ')}`,
    ])
  return names as ResourceName[]
}

/** The webhook events the selected resources need, each once, in resource order. */
export function webhookEventsFor(names: readonly ResourceName[]): string[] {
  return [...new Set(names.flatMap((n) => resources[n].webhookEvents ?? []))]
}

export const webhookDescription = (config: Config) => `personio-kafka ${config.topics.prefix}`

export function webhookClient(config: Config, logger: Logger): WebhookSubscriptions {
  const { clientId, clientSecret } = config.personio
  if (clientId === undefined || clientSecret === undefined)
    throw new ConfigError([
      'PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET must both be set (or their *_FILE variants): the webhook subscriptions are managed through the Personio API',
    ])
  const client = createPersonioClient({
    baseUrl: config.personio.baseUrl,
    credentials: { clientId, clientSecret },
    appId: config.personio.appId,
    partnerId: config.personio.partnerId,
    timeoutMs: config.personio.timeoutMs,
    ...rateSettings(config.personio),
    logger,
  })
  return webhookSubscriptions(client.http)
}

/** WEBHOOK_PUBLIC_URL, or a configuration error saying what it is for. */
export function publicUrl(config: Config, what: string): string {
  const url = config.webhooks.publicUrl
  if (url === undefined)
    throw new ConfigError([
      `WEBHOOK_PUBLIC_URL is not set: ${what}; set it to the public https URL where Personio reaches this service, e.g. WEBHOOK_PUBLIC_URL=https://hooks.example.com/personio`,
    ])
  return url
}

/** The subscription `webhooks register` creates or brings back to. */
export function desiredWebhook(config: Config, names: readonly ResourceName[]): DesiredWebhook {
  const problems: string[] = []
  const url = config.webhooks.publicUrl
  if (url === undefined)
    problems.push(
      'WEBHOOK_PUBLIC_URL is not set: it is the public https URL Personio delivers to, e.g. WEBHOOK_PUBLIC_URL=https://hooks.example.com/personio',
    )
  const token = config.webhooks.token
  if (token === undefined)
    problems.push(
      'WEBHOOK_TOKEN is not set: Personio sends it as the Authorization header of every delivery; set it (or WEBHOOK_TOKEN_FILE) to a secret of at least 24 characters',
    )
  const events = webhookEventsFor(names)
  if (events.length === 0)
    problems.push(
      `none of the selected resources (${names.join(', ')}) has webhook events: Personio sends them for ${webhookResources.join(', ')}; select one with --resources or CAPTURE_RESOURCES`,
    )
  if (problems.length > 0) throw new ConfigError(problems)
  return {
    url: url as string,
    description: webhookDescription(config),
    status: 'ENABLED',
    auth_type: 'TOKEN',
    token: token as string,
    enabled_events: events,
  }
}

/** A company's webhooks need its own token: without one it has no URL of its own to register. */
export function companyWithToken(company: Company): Company & { webhookToken: string } {
  if (company.webhookToken === undefined)
    throw new ConfigError([
      `${company.file} names no webhookTokenFile: Personio sends that token with every delivery to the company's URL; add "webhookTokenFile" (a file holding a secret of at least 24 characters) to the company file`,
    ])
  return company as Company & { webhookToken: string }
}

/** What `register` did: the subscription it created, brought back, or found as wanted; the duplicates it deleted. */
export type Registered = (
  | { action: 'created'; id: string }
  | { action: 'updated'; id: string; changes: string[] }
  | { action: 'none'; id: string }
) & { desired: DesiredWebhook; deleted: WebhookSubscription[] }

type Subscriptions = Pick<WebhookSubscriptions, 'list' | 'create' | 'update' | 'remove'>

/**
 * Exactly one ENABLED subscription for our URL, with our token and events: created, or PATCHed
 * back; a second one for the same URL would deliver every event twice, so it is deleted.
 */
export async function registerWebhook(client: Subscriptions, desired: DesiredWebhook): Promise<Registered> {
  const plan = planWebhook(await client.list(), desired)
  let done: Registered
  if (plan.action === 'create') {
    const created = await client.create(desired)
    done = { action: 'created', id: created.id, desired, deleted: [] }
  } else if (plan.action === 'update') {
    await client.update(plan.id, plan.patch)
    done = { action: 'updated', id: plan.id, changes: plan.changes, desired, deleted: [] }
  } else done = { action: 'none', id: plan.id, desired, deleted: [] }
  for (const extra of plan.extra) {
    await client.remove(extra.id)
    done.deleted.push(extra)
  }
  return done
}

const eventCount = (d: DesiredWebhook) => `${d.enabled_events.length} event(s)`

/** One company's line of `register --all`: registered, already registered (or failed: why, elsewhere). */
export function registeredLine(company: string, r: Registered): string {
  const url = r.desired.url
  const what =
    r.action === 'created'
      ? `registered: created webhook ${r.id} for ${url}, ${eventCount(r.desired)}`
      : r.action === 'updated'
        ? `registered: updated webhook ${r.id} for ${url}: ${r.changes.join('; ')}`
        : `already registered: webhook ${r.id} for ${url}, ENABLED, ${eventCount(r.desired)}`
  const deleted =
    r.deleted.length === 0
      ? ''
      : `; deleted ${r.deleted.map((d) => d.id).join(', ')}: a second subscription for the same URL would deliver every event twice`
  return `${company}: ${what}${deleted}`
}

export interface RegisterAllResult {
  /** one per company file, in id order */
  lines: string[]
  /** 0 when every company is registered, else the exit code of the first failure's class */
  exitCode: number
}

/** The one line a failure reads as after `<id>: failed: `, without report-error's `error: <area>: `. */
const why = (error: unknown) =>
  (describeError(error, false).lines[0] ?? String(error)).replace(/^error: [^:]+: /, '')

/**
 * `webhooks register --all`: every company of the directory with its own Personio account, URL
 * `<WEBHOOK_PUBLIC_URL>/<id>` and token, one after another; a company that fails (a refused
 * file, no token, Personio refusing its credentials) is its line, and the others are still done.
 */
export async function registerCompanies(
  base: Config,
  directory: CompanyDirectory,
  only: readonly ResourceName[] | undefined,
  clientFor: (config: Config) => Subscriptions,
): Promise<RegisterAllResult> {
  const rows: { id: string; line: string; exitCode: number }[] = directory.refused.map((r) => ({
    id: r.id ?? r.file,
    line: `${r.id ?? r.file}: failed: ${r.why}`,
    exitCode: exitCodes.usage.code,
  }))
  for (const company of [...directory.companies.values()].sort((a, b) => (a.spec.id < b.spec.id ? -1 : 1))) {
    const id = company.spec.id
    try {
      const config = companyConfig(base, companyWithToken(company))
      const desired = desiredWebhook(config, selectedResources(config, only))
      rows.push({
        id,
        line: registeredLine(id, await registerWebhook(clientFor(config), desired)),
        exitCode: 0,
      })
    } catch (error) {
      rows.push({ id, line: `${id}: failed: ${why(error)}`, exitCode: describeError(error, false).exitCode })
    }
  }
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { lines: rows.map((r) => r.line), exitCode: rows.find((r) => r.exitCode !== 0)?.exitCode ?? 0 }
}
