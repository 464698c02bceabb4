// What `webhooks register|list|delete` and doctor's webhook check share: the Personio client from
// the configuration, the events the selected resources need (each resource declares its own,
// src/resources), and the subscription this service wants.
import type { Config } from '../config'
import { ConfigError } from '../errors'
import type { Logger } from '../ops/logger'
import { createPersonioClient } from '../personio'
import { rateSettings } from '../personio/rate-settings'
import { webhookSubscriptions, type DesiredWebhook, type WebhookSubscriptions } from '../personio/webhooks'
import { resourceNames, resources, type ResourceName } from '../resources'

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
