// The demo's webhooks (issue #20): the simulator plays Personio's webhook service too, so the demo
// runs a receiver on a free local port, subscribes it the way `webhooks register` would (ENABLED,
// token auth with a token made up for this demo, the events of the selected resources), and `run`
// then follows those resources through deliveries instead of polling them. What it says on screen
// comes from here: where the deliveries go, which resources follow them, how many arrived.
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import type { Engine } from '../capture/engine/engine'
import type { Config } from '../config'
import { webhookSubscriptions } from '../personio/webhooks'
import type { RunningSimulator } from '../simulator'
import { webhookDescription, webhookEventsFor } from './webhook-setup'

const HOST = '127.0.0.1'
const PATH = '/personio'

/** A port nothing listens on now (the receiver binds it a moment later). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, HOST, () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/**
 * The demo's receiver settings, into `env`. A deployment's WEBHOOK_* (its public URL, token, port,
 * TLS files) are never the demo's: they go whether or not the demo follows webhooks.
 */
export async function demoWebhookEnv(env: NodeJS.ProcessEnv, follow: boolean): Promise<void> {
  for (const name of Object.keys(env)) if (name.startsWith('WEBHOOK_')) delete env[name]
  if (!follow) return
  const port = await freePort()
  env.WEBHOOK_HOST = HOST
  env.WEBHOOK_PORT = String(port)
  env.WEBHOOK_PUBLIC_URL = `http://${HOST}:${port}${PATH}`
  env.WEBHOOK_TOKEN = `Bearer ${randomBytes(24).toString('hex')}`
}

export interface DemoWebhooks {
  url: string
  /** the resources `run` follows through deliveries; empty until it has decided, or when it did not */
  followed(): string[]
  /** deliveries the receiver acknowledged */
  delivered(): number
}

/**
 * Subscribes the demo's receiver in the simulator, before `run` starts (run decides at start which
 * resources the subscription covers). Undefined when webhooks are off or no selected resource has
 * webhook events: everything is polled then.
 */
export async function subscribeDemoReceiver(
  config: Config,
  engine: Engine,
  sim: RunningSimulator,
): Promise<DemoWebhooks | undefined> {
  const { publicUrl: url, token } = config.webhooks
  const events = webhookEventsFor(engine.selected.map((r) => r.name))
  if (url === undefined || token === undefined || events.length === 0) return undefined
  const { id } = await webhookSubscriptions(engine.ctx.http).create({
    url,
    description: webhookDescription(config),
    status: 'ENABLED',
    auth_type: 'TOKEN',
    token,
    enabled_events: events,
  })
  return {
    url,
    followed: () => engine.selected.filter((r) => engine.ctx.webhooks.following(r.name)).map((r) => r.name),
    delivered: () => sim.webhooks.deliveries.filter((d) => d.subscriptionId === id && d.delivered).length,
  }
}

/**
 * One line on how changes reach the topics. `started`: run has decided which resources follow the
 * webhooks (before, none does yet); `done`: the demo is over (past tense).
 */
export function deliveryLine(
  hooks: DemoWebhooks | undefined,
  pollMs: number,
  state: { started: boolean; done: boolean; noWebhooks: boolean },
): string {
  const every = `every ${pollMs / 1000} s`
  const { done } = state
  if (hooks === undefined)
    return state.noWebhooks
      ? `every resource ${done ? 'was' : 'is'} polled ${every} (--no-webhooks)`
      : `no selected resource is announced by webhooks: every resource ${done ? 'was' : 'is'} polled ${every}`
  const followed = hooks.followed()
  if (followed.length === 0)
    return state.started || done
      ? `webhooks at ${hooks.url} were not followed (see the warning above): every resource ${done ? 'was' : 'is'} polled ${every}`
      : `starting the webhook receiver at ${hooks.url} …`
  const n = hooks.delivered()
  return (
    `changes to ${followed.join(', ')} ${done ? 'arrived' : 'arrive'} through Personio webhooks at ${hooks.url} ` +
    `(${n} deliver${n === 1 ? 'y' : 'ies'}${done ? '' : ' so far'}); the other resources ${done ? 'were' : 'are'} polled ${every}`
  )
}
