// An ENABLED, token-authenticated subscription of the simulator's Personio webhooks for a receiver
// URL, created through the product's own client, as `webhooks register` would create it.
import { createHttp } from '../../src/personio/client'
import { webhookSubscriptions } from '../../src/personio/webhooks'
import { defaultCredential, type RunningSimulator } from '../../src/simulator'

export async function subscribe(
  sim: RunningSimulator,
  url: string,
  token: string,
  events: readonly string[],
): Promise<string> {
  const http = createHttp({
    baseUrl: sim.url,
    credentials: { clientId: defaultCredential.clientId, clientSecret: defaultCredential.clientSecret },
    appId: 'TEST',
    timeoutMs: 10_000,
  })
  const w = await webhookSubscriptions(http).create({
    url,
    description: 'test',
    status: 'ENABLED',
    auth_type: 'TOKEN',
    token,
    enabled_events: [...new Set(events)],
  })
  return w.id
}
