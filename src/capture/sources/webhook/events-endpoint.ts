// Nothing lost when a delivery is: Personio keeps a subscription's events for 30 days
// (`GET /v2/webhooks/{id}/events`), so capture reads them from where the last fill ended, on start
// and on an interval, and writes them into the inbox like deliveries (duplicates of what was
// delivered cost nothing: fingerprints drop them). Covers a receiver down longer than Personio's
// retry window, and events while the service was stopped. Read a page at a time and written before
// the next is read: a few busy days are many pages, never one buffer or one oversized send.
import type { PersonioHttp } from '../../../personio/client'
import { cursorPages } from '../../../personio/pagination/cursor'
import { formatUtcSeconds } from '../../../personio/dates'
import { parseEnvelope, type WebhookEvent } from '../../../webhooks/envelope'

/** Events occurring this long before the last fill are read again: Personio may record late. */
export const GAP_OVERLAP_MS = 10 * 60_000
/** Personio keeps events for 30 days; a gap older than this cannot be filled from them. */
export const EVENTS_KEPT_MS = 29 * 86_400_000
/** Events per page of the events endpoint (its most). */
export const EVENTS_PAGE_LIMIT = 200

export interface FilledEvent {
  event: WebhookEvent
  body: Buffer
}

/**
 * The events of subscription `id` that occurred at or after `since` (ms), one page at a time (the
 * events of `names` among it; a page may hold none). A deleted subscription answers 404
 * (PersonioHttpError), which the caller reads as "webhooks are gone".
 */
export async function* eventPages(
  http: Pick<PersonioHttp, 'getJson' | 'base'>,
  id: string,
  since: number,
  names: ReadonlySet<string>,
): AsyncGenerator<FilledEvent[]> {
  const first = `/v2/webhooks/${encodeURIComponent(id)}/events?${new URLSearchParams({
    limit: String(EVENTS_PAGE_LIMIT),
    'occurred_at.gte': formatUtcSeconds(since),
  }).toString()}`
  for await (const page of cursorPages<unknown>(http.getJson, http.base, first)) {
    const out: FilledEvent[] = []
    for (const item of page.items) {
      const parsed = parseEnvelope(item)
      if ('event' in parsed && names.has(parsed.event.name))
        out.push({ event: parsed.event, body: Buffer.from(JSON.stringify(item)) })
    }
    yield out
  }
}
