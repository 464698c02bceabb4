// The decision `webhooks register` makes from what Personio has: create, PATCH what differs, or
// nothing; one subscription per URL; the token never named in what is printed.
import {
  planWebhook,
  sameUrl,
  type DesiredWebhook,
  type WebhookSubscription,
} from '../../../src/personio/webhooks'

const desired: DesiredWebhook = {
  url: 'https://hooks.example.com/personio',
  description: 'personio-kafka personio',
  status: 'ENABLED',
  auth_type: 'TOKEN',
  token: 'Bearer 0123456789abcdefghijklmn',
  enabled_events: ['person.created', 'person.updated', 'person.deleted'],
}

const existing = (over: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id: 'w-1',
  url: desired.url,
  description: desired.description,
  status: 'ENABLED',
  auth_type: 'TOKEN',
  token: desired.token,
  enabled_events: [...desired.enabled_events],
  ...over,
})

describe('personio > webhooks', () => {
  it('creates when no subscription has our URL', () => {
    expect(planWebhook([existing({ url: 'https://other.example.com/' })], desired)).toEqual({
      action: 'create',
      extra: [],
    })
  })

  it('does nothing when ours matches, whatever the order of its events', () => {
    const ours = existing({ enabled_events: ['person.deleted', 'person.created', 'person.updated'] })
    expect(planWebhook([ours], desired)).toEqual({ action: 'none', id: 'w-1', extra: [] })
  })

  it('PATCHes only what differs, and says what without naming the token', () => {
    const plan = planWebhook(
      [
        existing({
          status: 'DISABLED',
          token: 'old-token-old-token-old-token',
          enabled_events: ['person.created', 'absence-period.created'],
        }),
      ],
      desired,
    )
    expect(plan).toEqual({
      action: 'update',
      id: 'w-1',
      patch: { status: 'ENABLED', token: desired.token, enabled_events: desired.enabled_events },
      changes: [
        'status DISABLED → ENABLED',
        'a new token',
        'events +person.updated +person.deleted -absence-period.created',
      ],
      extra: [],
    })
    expect(JSON.stringify(plan.action === 'update' && plan.changes)).not.toContain(desired.token)
  })

  it('PATCHes a description that is not ours (another TOPIC_PREFIX)', () => {
    expect(planWebhook([existing({ description: 'made by hand' })], desired)).toEqual({
      action: 'update',
      id: 'w-1',
      patch: { description: desired.description },
      changes: ['description "personio-kafka personio"'],
      extra: [],
    })
  })

  it('sends the token again when Personio does not show it', () => {
    const plan = planWebhook([existing({ token: undefined })], desired)
    expect(plan).toMatchObject({ action: 'update', patch: { token: desired.token } })
  })

  it('keeps the first subscription for our URL and names the others, spelled however', () => {
    const twin = existing({ id: 'w-2', url: 'https://HOOKS.example.com/personio' })
    expect(planWebhook([existing(), twin], desired)).toEqual({ action: 'none', id: 'w-1', extra: [twin] })
    expect(sameUrl('https://hooks.example.com', 'https://hooks.example.com/')).toBe(true)
    expect(sameUrl('https://hooks.example.com/a', 'https://hooks.example.com/b')).toBe(false)
  })
})
