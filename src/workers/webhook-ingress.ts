// A worker's webhook ingress (issue #28): one receiver for every company of the deployment, each on
// its own path `<base path>/<company id>` (base: WEBHOOK_PATH, else the path of WEBHOOK_PUBLIC_URL)
// with its own token. Any worker takes any company's delivery, not only those of the companies it
// runs, and writes it into that company's inbox topic `<prefix>._webhooks`, durable before the 202:
// the load balancer in front may send a delivery to any worker, and the worker that runs the
// company reads its inbox as a single deployment does. The route is looked up per request from the
// directory as it is then: a company added has its path at once; a removed one, like one never served, answers 401 as a
// wrong token does, so the answers never tell which companies a deployment serves.
import { randomBytes } from 'node:crypto'
import type { DurableWriter } from '../capture/ports'
import type { Company } from '../companies/company'
import { companiesWebhookPath } from '../companies/company-config'
import type { Config } from '../config'
import { ConfigError } from '../errors'
import type { Logger } from '../ops/logger'
import { inboxRecord, inboxTopicFor } from '../webhooks/inbox'
import { listenForWebhooks } from '../webhooks/listen'
import type { Receiver, Route } from '../webhooks/receiver'

export interface WebhookIngressOptions {
  webhooks: Config['webhooks']
  logger: Logger
  /** the one writer every company's deliveries share (acks=all); the caller opens and closes it */
  writer: DurableWriter
  /** every company of the deployment as the directory says now, not only those this worker runs */
  companies: () => ReadonlyMap<string, Company>
}

/** No delivery matches it: a token of 48 random bytes, made once per process and never told. */
const unknownCompany: Route = {
  token: randomBytes(48).toString('base64'),
  inbox: { write: () => Promise.reject(new Error('no such company')) },
}

/** The company a path directly under the base names (nothing deeper, nothing empty). */
function companyOfPath(base: string, path: string): string | undefined {
  if (!path.startsWith(`${base}/`)) return undefined
  const id = path.slice(base.length + 1)
  return id.length === 0 || id.includes('/') ? undefined : id
}

/**
 * The route of a path: the company it names, if the directory has it and it has a webhook token;
 * its deliveries go into its own inbox, keyed by entity as a single company's receiver keys them.
 */
export function companyRoutes(
  base: string,
  companies: () => ReadonlyMap<string, Company>,
  writer: DurableWriter,
): (path: string) => Route | undefined {
  return (path) => {
    const id = companyOfPath(base, path)
    if (id === undefined) return undefined
    const company = companies().get(id)
    // a company we do not serve answers as a wrong token does (401, after the same constant-time
    // compare): a 404 would let anyone list which companies this deployment serves
    if (company?.webhookToken === undefined) return unknownCompany
    const topic = inboxTopicFor(company.spec.prefix)
    return {
      company: company.spec.id,
      token: company.webhookToken,
      inbox: {
        write: (event, body) => writer.write([inboxRecord(topic, event, body, 'delivery', Date.now())]),
      },
    }
  }
}

/** The ingress, listening; its `url` is the base every company's path hangs under (`<url>/<id>`). */
export async function startWebhookIngress(o: WebhookIngressOptions): Promise<Receiver> {
  const base = companiesWebhookPath(o.webhooks)
  if (base === undefined)
    throw new ConfigError([
      'WEBHOOK_PUBLIC_URL is not set: the webhook ingress answers each company on <its path>/<company id>; set it to the public https URL Personio reaches the workers at, e.g. WEBHOOK_PUBLIC_URL=https://hooks.example.com/personio',
    ])
  const route = companyRoutes(base, o.companies, o.writer)
  const receiver = await listenForWebhooks(o.webhooks, { route }, (status, why, company) =>
    // handled in the company's engine scope: the line carries `company` as its own engine's lines do
    o.logger.warn({ status }, `webhook delivery for company ${company ?? '?'} refused (${status}): ${why}`),
  )
  return { url: `${receiver.url}${base}`, close: () => receiver.close() }
}
