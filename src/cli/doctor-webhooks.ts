// doctor's check of the webhook subscription, when WEBHOOK_PUBLIC_URL is set: it exists for that
// URL, once, ENABLED, with the events of the selected resources (CAPTURE_RESOURCES) and, when
// Personio shows it, our token; and of the inbox topic: a 202 to Personio waits for
// min.insync.replicas copies, which should be min(2, replicas). Each problem says what to run or set.
import type { Config } from '../config'
import { kafkaTools } from '../kafka'
import { INBOX_MIN_INSYNC_REPLICAS, inboxDurabilityProblem } from '../kafka/topic-policy'
import { inboxTopicFor } from '../webhooks/inbox'
import type { Logger } from '../ops/logger'
import { sameUrl } from '../personio/webhooks'
import type { Finding, Verdict } from './doctor-checks'
import { describeError } from './report-error'
import { selectedResources, webhookClient, webhookDescription, webhookEventsFor } from './webhook-setup'

const REGISTER = 'run `personio-kafka webhooks register`'

const f = (verdict: Verdict, text: string): Finding => ({ area: 'webhooks', verdict, text })

export async function checkWebhooks(config: Config, logger: Logger): Promise<Finding[]> {
  const subscription = await checkSubscription(config, logger)
  if (config.webhooks.publicUrl === undefined) return subscription
  return [...subscription, ...(await checkInbox(config, logger))]
}

/** The inbox topic's durability: how many copies a delivery has when the receiver answers 202. */
async function checkInbox(config: Config, logger: Logger): Promise<Finding[]> {
  const topic = inboxTopicFor(config.topics.prefix)
  const admin = kafkaTools(config.kafka, logger).topicAdmin()
  try {
    const found = (await admin.durability([topic]))[topic]
    if (found === undefined)
      return [
        f(
          'ok',
          `inbox topic ${topic} is created on the first run with min.insync.replicas=${INBOX_MIN_INSYNC_REPLICAS} (at most its replicas): a delivery is answered 202 once that many copies have it`,
        ),
      ]
    const problem = inboxDurabilityProblem(topic, found)
    return [
      problem === undefined
        ? f(
            'ok',
            `inbox topic ${topic}: min.insync.replicas=${found.minInsyncReplicas} of ${found.replicas} replicas: a delivery is answered 202 once ${found.minInsyncReplicas} ${found.minInsyncReplicas === 1 ? 'copy has' : 'copies have'} it`,
          )
        : f('fix', problem),
    ]
  } catch (error) {
    const line = (describeError(error, false).lines[0] ?? String(error)).replace(/^error: [^:]+: /, '')
    return [f('skip', `cannot look at the inbox topic ${topic}: ${line}`)]
  } finally {
    await admin.close().catch(() => undefined)
  }
}

async function checkSubscription(config: Config, logger: Logger): Promise<Finding[]> {
  const url = config.webhooks.publicUrl
  if (url === undefined)
    return [
      f(
        'skip',
        'webhooks are not configured (WEBHOOK_PUBLIC_URL is not set): changes are found by polling alone',
      ),
    ]
  if (config.personio.clientId === undefined)
    return [f('skip', 'cannot look at the subscription without Personio credentials (see above)')]
  const out: Finding[] = []
  if (config.webhooks.token === undefined)
    out.push(
      f(
        'fix',
        'WEBHOOK_TOKEN is not set: `webhooks register` needs it, and the receiver checks deliveries with it',
      ),
    )
  let all
  try {
    all = await webhookClient(config, logger).list()
  } catch (error) {
    const line = (describeError(error, false).lines[0] ?? String(error)).replace(/^error: [^:]+: /, '')
    return [...out, f('fix', `cannot list the webhook subscriptions: ${line}`)]
  }
  const ours = all.filter((w) => sameUrl(w.url, url))
  const [first] = ours
  const checked = out.length
  if (first === undefined) {
    const elsewhere = all.find((w) => w.description === webhookDescription(config))
    out.push(
      f(
        'fix',
        elsewhere === undefined
          ? `no webhook subscription for ${url}: Personio announces no changes to this service; ${REGISTER}`
          : `no webhook subscription for ${url}, but "${elsewhere.description}" (${elsewhere.id}) points at ${elsewhere.url}: WEBHOOK_PUBLIC_URL changed? ${REGISTER}, then delete the old one with \`webhooks delete --id ${elsewhere.id}\``,
      ),
    )
    return out
  }
  if (ours.length > 1)
    out.push(
      f(
        'fix',
        `${ours.length} subscriptions for ${url}: each event arrives ${ours.length} times; ${REGISTER} to keep one`,
      ),
    )
  if (first.status !== 'ENABLED')
    out.push(
      f(
        'fix',
        `webhook ${first.id} for ${url} is ${first.status}: Personio delivers nothing to it; ${REGISTER}`,
      ),
    )
  let wanted: string[]
  try {
    wanted = webhookEventsFor(selectedResources(config, undefined))
  } catch {
    wanted = [] // an unknown resource is reported with the configuration
  }
  const missing = wanted.filter((e) => !first.enabled_events.includes(e))
  const extra = first.enabled_events.filter((e) => !wanted.includes(e))
  if (missing.length > 0 || extra.length > 0)
    out.push(
      f(
        'fix',
        `webhook ${first.id} events differ from the selected resources (CAPTURE_RESOURCES): ${[
          missing.length > 0 ? `missing ${missing.join(', ')}` : '',
          extra.length > 0 ? `not needed ${extra.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ')}; ${REGISTER}`,
      ),
    )
  if (
    typeof first.token === 'string' &&
    config.webhooks.token !== undefined &&
    first.token !== config.webhooks.token
  )
    out.push(
      f(
        'fix',
        `webhook ${first.id} sends another token than WEBHOOK_TOKEN: deliveries would be refused; ${REGISTER}`,
      ),
    )
  if (out.length === checked)
    out.push(
      f(
        'ok',
        `webhook ${first.id} for ${url}: ENABLED, ${first.enabled_events.length} events of the selected resources`,
      ),
    )
  return out
}
