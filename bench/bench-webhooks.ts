// What both webhook benches set up the same way: an ENABLED subscription in the simulator for a
// receiver on a free loopback port, and the settings that make `run` that receiver.
import { createHttp } from '../src/personio/client'
import { webhookSubscriptions } from '../src/personio/webhooks'
import { defaultCredential, type RunningSimulator } from '../src/simulator'
import { freePort } from '../test/support/net-wait'

export const BENCH_WEBHOOK_TOKEN = 'Bearer bench-webhook-token-0123456789'

/** Subscribes `events` for a receiver on a free port; the receiver's URL and `run`'s settings. */
export async function benchSubscription(
  sim: RunningSimulator,
  events: readonly string[],
): Promise<{ url: string; env: Record<string, string> }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/personio`
  const http = createHttp({
    baseUrl: sim.url,
    credentials: { clientId: defaultCredential.clientId, clientSecret: defaultCredential.clientSecret },
    appId: 'BENCH',
    timeoutMs: 10_000,
  })
  await webhookSubscriptions(http).create({
    url,
    description: 'bench',
    status: 'ENABLED',
    auth_type: 'TOKEN',
    token: BENCH_WEBHOOK_TOKEN,
    enabled_events: [...events],
  })
  return {
    url,
    env: {
      WEBHOOK_TOKEN: BENCH_WEBHOOK_TOKEN,
      WEBHOOK_PUBLIC_URL: url,
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: '127.0.0.1',
    },
  }
}
