// Which resources follow Personio's webhooks right now (issue #20): decided when `run` starts
// (the subscription covers them) and changed while it runs (the subscription was deleted, or
// registered again). Runtime state, apart from the settings, which never change once wired: a
// resource that follows has no incremental listing, and is reconciled at its own interval.

export interface WebhookFollow {
  /**
   * true: followed by webhooks; false: its inbox runs, but the subscription no longer covers it,
   * so it polls again; undefined: no inbox at all (polled as configured)
   */
  state(resource: string): boolean | undefined
  following(resource: string): boolean
  /** the reconciliation interval now: the webhook one while following, else `configured` */
  reconcileMs(resource: string, configured: number): number
  /** puts a resource on webhooks (`reconcileMs` while it follows) or back on polling */
  set(resource: string, following: boolean, reconcileMs?: number): void
}

export function createWebhookFollow(): WebhookFollow {
  const follows = new Map<string, { following: boolean; reconcileMs?: number }>()
  return {
    state: (resource) => follows.get(resource)?.following,
    following: (resource) => follows.get(resource)?.following === true,
    reconcileMs(resource, configured) {
      const f = follows.get(resource)
      return f?.following === true && f.reconcileMs !== undefined ? f.reconcileMs : configured
    },
    set(resource, following, reconcileMs) {
      follows.set(resource, { following, reconcileMs: reconcileMs ?? follows.get(resource)?.reconcileMs })
    },
  }
}
