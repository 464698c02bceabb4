// Personio's webhook subscriptions, `/v2/webhooks` (personio-api.md §7.8): list (cursor pages),
// create, update, delete, over the client's authenticated transport. And the one decision the
// CLI needs: given what Personio has and the subscription we want, what to do so that exactly one
// subscription for our URL exists, ENABLED, with our token and our events.
import type { PersonioHttp } from './client'
import { cursorPages } from './pagination/cursor'

export interface WebhookSubscription {
  id: string
  url: string
  description?: string
  status: 'ENABLED' | 'DISABLED'
  auth_type?: 'NONE' | 'TOKEN' | 'CUSTOM'
  /** Personio's Webhook schema lists it; whether every answer carries it is not documented */
  token?: string | null
  enabled_events: string[]
}

/** The subscription this service wants: POSTed as is, or compared with what Personio has. */
export interface DesiredWebhook {
  url: string
  description: string
  status: 'ENABLED'
  auth_type: 'TOKEN'
  token: string
  enabled_events: readonly string[]
}

export function webhookSubscriptions(http: Pick<PersonioHttp, 'getJson' | 'sendJson' | 'base'>) {
  const path = (id: string) => `/v2/webhooks/${encodeURIComponent(id)}`
  return {
    async list(): Promise<WebhookSubscription[]> {
      const out: WebhookSubscription[] = []
      for await (const page of cursorPages<WebhookSubscription>(
        http.getJson,
        http.base,
        '/v2/webhooks?limit=200',
      ))
        out.push(...page.items)
      return out
    },
    /** One subscription; a 404 (PersonioHttpError) when it was deleted. */
    get: async (id: string) => (await http.getJson(path(id))) as WebhookSubscription,
    create: async (w: DesiredWebhook) =>
      (await http.sendJson('POST', '/v2/webhooks', w)) as WebhookSubscription,
    update: async (id: string, patch: Partial<DesiredWebhook>) =>
      (await http.sendJson('PATCH', path(id), patch)) as WebhookSubscription,
    remove: async (id: string): Promise<void> => {
      await http.sendJson('DELETE', path(id))
    },
  }
}

export type WebhookSubscriptions = ReturnType<typeof webhookSubscriptions>

/** One URL, however it is spelled (`https://X.com` and `https://x.com/` are the same receiver). */
export function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href
  } catch {
    return a === b
  }
}

export type WebhookPlan =
  | { action: 'create'; extra: WebhookSubscription[] }
  | {
      action: 'update'
      id: string
      patch: Partial<DesiredWebhook>
      changes: string[]
      extra: WebhookSubscription[]
    }
  | { action: 'none'; id: string; extra: WebhookSubscription[] }

/**
 * What brings Personio to the desired subscription: the first one for our URL is ours (the others
 * for that URL, `extra`, would deliver every event twice); `changes` says what a PATCH changes, in
 * words (never the token itself). A token Personio does not echo is sent again.
 */
export function planWebhook(existing: readonly WebhookSubscription[], desired: DesiredWebhook): WebhookPlan {
  const [ours, ...extra] = existing.filter((w) => sameUrl(w.url, desired.url))
  if (ours === undefined) return { action: 'create', extra: [] }
  const patch: Partial<DesiredWebhook> = {}
  const changes: string[] = []
  if (ours.status !== desired.status) {
    patch.status = desired.status
    changes.push(`status ${ours.status} → ${desired.status}`)
  }
  if (ours.auth_type !== desired.auth_type) {
    patch.auth_type = desired.auth_type
    changes.push(`auth ${ours.auth_type ?? 'unknown'} → ${desired.auth_type}`)
  }
  if (ours.token !== desired.token) {
    patch.token = desired.token
    changes.push(typeof ours.token === 'string' ? 'a new token' : 'the token (Personio does not show it)')
  }
  if (ours.description !== desired.description) {
    patch.description = desired.description
    changes.push(`description "${desired.description}"`)
  }
  const had = new Set(ours.enabled_events)
  const want = new Set(desired.enabled_events)
  const added = [...want].filter((e) => !had.has(e))
  const dropped = [...had].filter((e) => !want.has(e))
  if (added.length > 0 || dropped.length > 0) {
    patch.enabled_events = [...desired.enabled_events]
    changes.push(`events ${[...added.map((e) => `+${e}`), ...dropped.map((e) => `-${e}`)].join(' ')}`)
  }
  return changes.length === 0
    ? { action: 'none', id: ours.id, extra }
    : { action: 'update', id: ours.id, patch, changes, extra }
}
