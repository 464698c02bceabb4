// The inbox topic `<prefix>._webhooks`: every delivery the receiver accepted, as Personio sent it,
// durable (acks=all) before Personio hears 2xx. Keyed by the entity, so one entity's events share
// a partition; capture reads it with consumer offsets committed in its own transactions.
import type { IncomingRecord, OutgoingRecord } from '../kafka/port'
import { parseEnvelope, type WebhookEvent } from './envelope'

export const inboxTopicFor = (prefix: string): string => `${prefix}._webhooks`

/** The consumer group a resource reads the inbox with (offsets committed in its transactions). */
export const inboxGroupFor = (clientId: string, prefix: string, resource: string): string =>
  `${clientId}.${prefix}.${resource}.webhooks`

/** How an inbox record says where it came from: a delivery, or the events endpoint (a gap fill). */
export type InboxSource = 'delivery' | 'events-endpoint'

export function inboxRecord(
  topic: string,
  event: WebhookEvent,
  body: Buffer,
  source: InboxSource,
  at: number,
): OutgoingRecord {
  return {
    topic,
    key: Buffer.from(`${event.name.split('.')[0] ?? ''}:${event.id}`),
    value: body,
    headers: { 'pk.event': event.name, 'pk.source': source },
    timestamp: at,
  }
}

/** The event an inbox record holds; undefined for one that is not (it is skipped, never fatal). */
export function inboxEvent(record: IncomingRecord): WebhookEvent | undefined {
  if (record.value === null) return undefined
  try {
    const parsed = parseEnvelope(JSON.parse(record.value.toString('utf8')))
    return 'event' in parsed ? parsed.event : undefined
  } catch {
    return undefined
  }
}
