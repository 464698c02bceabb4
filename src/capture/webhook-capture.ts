// Capture from the webhook inbox: a batch of Personio's events, coalesced per entity (duplicates
// and bursts cost one read), each entity read by id as its resource's `webhook` slot says, mapped
// by the resource's declaration and diffed by fingerprint (a duplicate delivery, or a
// `updated.timerange` with nothing changed, publishes nothing), published in one transaction with
// the inbox offsets. A delete is published only when Personio announced it AND the read answers
// 404: a late `updated` after a `deleted` reads 404 and publishes nothing (no resurrection), and a
// 404 without an announcement (a refused read) removes nothing — the reconciliation listing decides.
import { isRetriable, PersonioHttpError, StoppingError } from '../errors'
import type { ConsumedOffsets, IncomingRecord } from '../kafka/port'
import { publish } from '../ops/channels'
import type { Resource } from '../resources'
import type { WebhookSlot } from '../resources/resource'
import { announcesDelete } from '../webhooks/envelope'
import { inboxEvent } from '../webhooks/inbox'
import { applyFieldPolicy } from './apply-field-policy'
import { commitPart, emptyPart, joinParts, type Part } from './commit'
import type { CaptureContext } from './context'
import { diffRecords, goneKeys } from './diff'
import { mapPage } from './map-page'
import type { Prepared } from './prepare'
import { listPages } from './read/listing'
import { refFieldsOf } from './refs'
import { settleUncertain } from './settle-commit'
import type { KeyText, Known } from './state'
import { watchersOf } from './watch'

/** What a batch of inbox records asks of one resource. */
export interface InboxWork {
  /** entity id → whether Personio announced its delete */
  entities: Map<string, { deleted: boolean }>
  /** the newest occurred_at among them (ms) */
  newest?: number
}

const slotOf = (resource: Resource): WebhookSlot => {
  if (resource.webhook === undefined) throw new Error(`resource ${resource.name} is not followed by webhooks`)
  return resource.webhook
}

/**
 * The entities a batch names for this resource. Employment events name the person in
 * `person_id`: for a resource read by person id that is the entity.
 */
export function inboxWorkOf(resource: Resource, records: readonly IncomingRecord[]): InboxWork {
  const slot = slotOf(resource)
  const wanted = new Set(resource.webhookEvents ?? [])
  const work: InboxWork = { entities: new Map() }
  for (const record of records) {
    const event = inboxEvent(record)
    if (event === undefined || !wanted.has(event.name)) continue
    const viaPerson = slot.read === 'by-id' && slot.personIdFirst === true && event.personId !== undefined
    const id = viaPerson ? (event.personId as string) : event.id
    // an employment's delete is no person's delete: only the entity's own event announces it
    const deleted = announcesDelete(event.name) && !viaPerson
    const seen = work.entities.get(id)
    work.entities.set(id, { deleted: (seen?.deleted ?? false) || deleted })
    work.newest = Math.max(work.newest ?? event.occurredAt, event.occurredAt)
  }
  return work
}

/** v1 answers `{success, data}`, v2 the entity itself (or under `_data`/`data`). */
function entityOf(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body
  const b = body as Record<string, unknown>
  if ('success' in b && 'data' in b) return b.data
  if ('_data' in b && !('id' in b)) return b._data
  return body
}

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    value,
  )

const isNotFound = (error: unknown) => error instanceof PersonioHttpError && error.status === 404

/** The key text the state holds for a single-field key given as text (`4711` or a uuid). */
function knownKeyOf(known: ReadonlyMap<KeyText, Known>, id: string): KeyText | undefined {
  const candidates = [JSON.stringify([id]), ...(/^-?\d+$/.test(id) ? [JSON.stringify([Number(id)])] : [])]
  return candidates.find((k) => known.has(k))
}

function diffPart(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  items: unknown[],
  pending: ReadonlyMap<KeyText, Known | null>,
): Part & { seen: KeyText[] } {
  const mapped = applyFieldPolicy(prepared.policy, mapPage(resource, items, 'r', false, prepared.mapping))
  const diff = diffRecords(
    resource,
    mapped.events,
    ctx.state.knownOf(resource.name),
    {
      snapshot: false,
      refFields: refFieldsOf(resource.name),
      keepImages: ctx.deleteMode !== 'tombstone',
      fingerprint: ctx.memory.fingerprint,
      watchers: watchersOf(resource.name),
    },
    pending,
  )
  return { events: diff.events, deadLetters: mapped.deadLetters, delta: diff.delta, seen: diff.seen }
}

/** A delete of a known key, unless this transaction decided it already. */
function deletePart(
  ctx: CaptureContext,
  resource: Resource,
  text: KeyText | undefined,
  pending: ReadonlyMap<KeyText, Known | null>,
): Part {
  if (text === undefined || pending.get(text) === null) return emptyPart()
  const gone = goneKeys(resource, ctx.state.knownOf(resource.name), [text], new Set())
  return { events: gone.events, deadLetters: [], delta: gone.delta }
}

async function byIdPart(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  slot: Extract<WebhookSlot, { read: 'by-id' }>,
  id: string,
  deleted: boolean,
  pending: ReadonlyMap<KeyText, Known | null>,
): Promise<Part> {
  let body: unknown
  try {
    body = await ctx.http.getJson(slot.path.replace('{id}', encodeURIComponent(id)))
  } catch (error) {
    if (!isNotFound(error)) throw error
    return deleted
      ? deletePart(ctx, resource, knownKeyOf(ctx.state.knownOf(resource.name), id), pending)
      : emptyPart()
  }
  return diffPart(ctx, resource, prepared, [entityOf(body)], pending)
}

/** The known key whose remembered `field` holds `value` (refs kept beside the fingerprints). */
function knownWith(
  ctx: CaptureContext,
  resource: Resource,
  field: string,
  value: string,
): KeyText | undefined {
  for (const [text, k] of ctx.state.knownOf(resource.name))
    if (k.r?.[field] !== undefined && String(k.r[field]) === value) return text
  return undefined
}

async function byV2IdPart(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  slot: Extract<WebhookSlot, { read: 'by-v2-id' }>,
  id: string,
  deleted: boolean,
  pending: ReadonlyMap<KeyText, Known | null>,
): Promise<Part> {
  // Published before: read by its own key, like any other record.
  const mine = knownWith(ctx, resource, slot.idField, id)
  if (mine !== undefined) {
    const [own] = JSON.parse(mine) as unknown[]
    return byIdPart(
      ctx,
      resource,
      prepared,
      { read: 'by-id', path: slot.path },
      String(own),
      deleted,
      pending,
    )
  }
  if (deleted) return emptyPart() // never published: nothing to remove
  // New: the v2 entity names the person, whose records are listed (the new one among them).
  let person: unknown
  try {
    person = at(
      entityOf(await ctx.http.getJson(slot.lookup.replace('{id}', encodeURIComponent(id)))),
      slot.personAt,
    )
  } catch (error) {
    if (!isNotFound(error)) throw error
    return emptyPart() // gone again already, or not this resource's (an hourly absence)
  }
  if (typeof person !== 'string' && typeof person !== 'number') return emptyPart()
  const items: unknown[] = []
  for await (const page of listPages(ctx.http, resource, { where: { [slot.personFilter]: [person] } }))
    items.push(...page.items)
  return diffPart(ctx, resource, prepared, items, pending)
}

/**
 * One entity's part, or nothing when Personio refuses that one read for good (a 400/403/422 for
 * one record): the batch goes on, the reconciliation listing reads the record again, and a
 * warning names it. A failure that may heal (a 5xx, the network) fails the batch, read again.
 */
async function entityPart(
  ctx: CaptureContext,
  resource: Resource,
  id: string,
  read: () => Promise<Part>,
): Promise<Part> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof PersonioHttpError) || isRetriable(error)) throw error
    ctx.logger.warn(
      { resource: resource.name, id, status: error.status },
      `${resource.name} ${id}, named by a webhook, could not be read (${error.message}); the next full listing reads it again`,
    )
    return emptyPart()
  }
}

/** How long an inbox batch waits at most for a full listing of its resource to end, per check. */
const HOLD_CHECK_MS = 200

/** Entities read at once: the rate limiter paces them, concurrency only hides Personio's latency. */
const READS_AT_ONCE = 4

/**
 * Reads the entities a batch names and publishes what changed, with the inbox offsets (when given)
 * in the same transaction, so a batch is applied once or read again.
 */
export async function applyInboxWork(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  work: InboxWork,
  consumed?: ConsumedOffsets,
): Promise<{ entities: number; events: number }> {
  const slot = slotOf(resource)
  // A full listing of this resource is running: it must not see what this batch would publish.
  // Checked and marked in one step (no await between), so a listing either waits for this batch
  // or this batch for the listing.
  while (ctx.memory.fullListings.has(resource.name)) {
    if (ctx.stopping.aborted) throw new StoppingError(`stopping: ${resource.name} left its webhook batch`)
    await new Promise((r) => setTimeout(r, HOLD_CHECK_MS))
  }
  ctx.memory.inboxBusy.add(resource.name)
  try {
    return await applyHeld(ctx, resource, prepared, slot, work, consumed)
  } finally {
    ctx.memory.inboxBusy.delete(resource.name)
  }
}

async function applyHeld(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  slot: WebhookSlot,
  work: InboxWork,
  consumed: ConsumedOffsets | undefined,
): Promise<{ entities: number; events: number }> {
  return ctx.serial(resource.name, async () => {
    await settleUncertain(ctx, resource.name)
    let part = emptyPart()
    let events = 0
    const ids = [...work.entities]
    for (let i = 0; i < ids.length; i += READS_AT_ONCE) {
      if (ctx.stopping.aborted)
        throw new StoppingError(`stopping: ${resource.name} left the rest of its webhook batch`)
      const decided = part.delta
      const parts = await Promise.all(
        ids
          .slice(i, i + READS_AT_ONCE)
          .map(([id, w]) =>
            entityPart(ctx, resource, id, () =>
              slot.read === 'by-id'
                ? byIdPart(ctx, resource, prepared, slot, id, w.deleted, decided)
                : byV2IdPart(ctx, resource, prepared, slot, id, w.deleted, decided),
            ),
          ),
      )
      part = joinParts([part, ...parts])
    }
    if (part.events.length > 0 || part.deadLetters.length > 0 || consumed !== undefined) {
      const done = await commitPart(ctx, resource, prepared, part, consumed)
      events = Object.values(done.published).reduce((a, b) => a + b, 0)
    }
    publish('personio-kafka:webhooks:applied', {
      resource: resource.name,
      entities: ids.length,
      events,
      ...(work.newest === undefined ? {} : { lagMs: ctx.clock.now() - work.newest }),
    })
    return { entities: ids.length, events }
  })
}
