// Capture from the webhook inbox: a batch of Personio's events, coalesced per entity (duplicates
// and bursts cost one read), each entity read by id as its resource's `webhook` slot says (a batch
// naming more entities than a listing costs is read with a listing: webhook-burst.ts), mapped
// by the resource's declaration and diffed by fingerprint (a duplicate delivery, or a
// `updated.timerange` with nothing changed, publishes nothing), published in one transaction with
// the inbox offsets. A delete is published only when Personio announced it AND the read answers
// 404: a late `updated` after a `deleted` reads 404 and publishes nothing (no resurrection), and a
// 404 without an announcement (a refused read) removes nothing — the reconciliation listing decides.
import { isRetriable, PersonioHttpError, StoppingError } from '../../../errors'
import type { ConsumedOffsets, IncomingRecord } from '../../../kafka/port'
import { publish } from '../../../ops/channels'
import type { Resource } from '../../../resources'
import type { WebhookSlot } from '../../../resources/resource'
import { announcesDelete, hasIdShape, type IdShape } from '../../../webhooks/envelope'
import { inboxEvent } from '../../../webhooks/inbox'
import { applyFieldPolicy } from '../../rules/apply-field-policy'
import { commitPart, joinParts, type Part } from '../../commit/commit'
import type { CaptureContext } from '../../context'
import { diffRecords, goneKeys } from '../../rules/diff'
import { mapPage } from '../../rules/map-page'
import type { Prepared } from '../../read/prepare'
import { listPages } from '../../read/listing'
import { refFieldsOf } from '../../rules/refs'
import { settleUncertain } from '../../commit/settle-commit'
import { keyText, type KeyText, type Known } from '../../state/keys'
import { watchersOf } from '../../rules/watch'
import { DEFAULT_BURST_MARGIN, listedEntityOf, listsBurst, readBurst } from './burst'

/** What a batch of inbox records asks of one resource. */
export interface InboxWork {
  /** entity id → whether Personio announced its delete */
  entities: Map<string, { deleted: boolean }>
  /** events of this resource the batch held (duplicates included) */
  events: number
  /** entity id → the newest occurred_at of its events (ms, Personio's clock) */
  occurred: Map<string, number>
  /** the newest occurred_at among them (ms) */
  newest?: number
  /** the oldest occurred_at among them (ms): where a listing of a burst starts */
  oldest?: number
  /** events whose id cannot be this resource's (never read: a warning names them) */
  refused: { event: string; id: string }[]
}

const slotOf = (resource: Resource): WebhookSlot => {
  if (resource.webhook === undefined) throw new Error(`resource ${resource.name} is not followed by webhooks`)
  return resource.webhook
}

/**
 * The shape of the id a slot reads by: a v2 path or a v2 id takes a UUID, a v1 path a number.
 * Decided by the declaration, never by the resource's name.
 */
export const idShapeOf = (slot: WebhookSlot): IdShape =>
  slot.read === 'by-v2-id' || slot.path.startsWith('/v2/') ? 'uuid' : 'numeric'

/**
 * The entities a batch names for this resource. Employment events name the person in
 * `person_id`: for a resource read by person id that is the entity. An id of another shape than
 * the slot reads by is refused here, before any request (the receiver refuses such deliveries;
 * an inbox written by an older release may still hold one).
 */
export function inboxWorkOf(resource: Resource, records: readonly IncomingRecord[]): InboxWork {
  const slot = slotOf(resource)
  const shape = idShapeOf(slot)
  const wanted = new Set(resource.webhookEvents ?? [])
  const work: InboxWork = { entities: new Map(), events: 0, occurred: new Map(), refused: [] }
  for (const record of records) {
    const event = inboxEvent(record)
    if (event === undefined || !wanted.has(event.name)) continue
    work.events += 1
    const viaPerson = slot.read === 'by-id' && slot.personIdFirst === true && event.personId !== undefined
    const id = viaPerson ? (event.personId as string) : event.id
    if (!hasIdShape(id, shape)) {
      work.refused.push({ event: event.name, id })
      continue
    }
    // an employment's delete is no person's delete: only the entity's own event announces it
    const deleted = announcesDelete(event.name) && !viaPerson
    const seen = work.entities.get(id)
    work.entities.set(id, { deleted: (seen?.deleted ?? false) || deleted })
    work.occurred.set(id, Math.max(work.occurred.get(id) ?? event.occurredAt, event.occurredAt))
    work.newest = Math.max(work.newest ?? event.occurredAt, event.occurredAt)
    work.oldest = Math.min(work.oldest ?? event.occurredAt, event.occurredAt)
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

/** Personio answered 404: the record (or subscription) is not there, or no longer. */
export const isNotFound = (error: unknown) => error instanceof PersonioHttpError && error.status === 404

/** The key text the state holds for a single-field key given as text (`4711` or a uuid). */
function knownKeyOf(known: ReadonlyMap<KeyText, Known>, id: string): KeyText | undefined {
  const candidates = [JSON.stringify([id]), ...(/^-?\d+$/.test(id) ? [JSON.stringify([Number(id)])] : [])]
  return candidates.find((k) => known.has(k))
}

/**
 * What one entity's read found: the records Personio has for it now (one by id, or a person's
 * listing that holds it), and the key it proved gone (announced and answering 404).
 */
export interface EntityRead {
  items: unknown[]
  gone?: KeyText
}

const nothing = (): EntityRead => ({ items: [] })

/**
 * The batch's reads as one part. Diffed one after another against what the batch decided so far:
 * two reads that return the same record (two events of one person's new absences, each listing
 * that person's time-offs) publish it once. Deletes go first, and a key proved gone is not brought
 * back by a listing read before the delete.
 */
export function decideReads(
  ctx: Pick<CaptureContext, 'state' | 'deleteMode' | 'memory'>,
  resource: Resource,
  prepared: Pick<Prepared, 'policy' | 'mapping'>,
  reads: readonly EntityRead[],
): Part {
  const known = ctx.state.knownOf(resource.name)
  const gone = new Set(reads.flatMap((r) => (r.gone === undefined ? [] : [r.gone])))
  const deletes = goneKeys(resource, known, gone, new Set())
  let part: Part = { events: deletes.events, deadLetters: [], delta: deletes.delta }
  const lettered = new Set<string>()
  for (const read of reads) {
    if (read.items.length === 0) continue
    const mapped = applyFieldPolicy(
      prepared.policy,
      mapPage(resource, read.items, 'r', false, prepared.mapping),
    )
    const alive = mapped.events.filter((e) => !gone.has(keyText(resource.key, e.key)))
    const diff = diffRecords(
      resource,
      alive,
      known,
      {
        snapshot: false,
        refFields: refFieldsOf(resource.name),
        keepImages: ctx.deleteMode !== 'tombstone',
        fingerprint: ctx.memory.fingerprint,
        watchers: watchersOf(resource.name),
      },
      part.delta,
    )
    // the same unreadable item, read through two events, is dead-lettered once
    const letters = mapped.deadLetters.filter((l) => l.key === undefined || !lettered.has(l.key))
    for (const l of letters) if (l.key !== undefined) lettered.add(l.key)
    part = joinParts([part, { events: diff.events, deadLetters: letters, delta: diff.delta }])
  }
  return part
}

async function readById(
  ctx: CaptureContext,
  resource: Resource,
  slot: Extract<WebhookSlot, { read: 'by-id' }>,
  id: string,
  deleted: boolean,
): Promise<EntityRead> {
  let body: unknown
  try {
    body = await ctx.http.getJson(slot.path.replace('{id}', encodeURIComponent(id)))
  } catch (error) {
    if (!isNotFound(error)) throw error
    const text = deleted ? knownKeyOf(ctx.state.knownOf(resource.name), id) : undefined
    return text === undefined ? nothing() : { items: [], gone: text }
  }
  return { items: [entityOf(body)] }
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

async function readByV2Id(
  ctx: CaptureContext,
  resource: Resource,
  slot: Extract<WebhookSlot, { read: 'by-v2-id' }>,
  id: string,
  deleted: boolean,
): Promise<EntityRead> {
  // Published before: read by its own key, like any other record.
  const mine = knownWith(ctx, resource, slot.idField, id)
  if (mine !== undefined) {
    const [own] = JSON.parse(mine) as unknown[]
    return readById(ctx, resource, { read: 'by-id', path: slot.path }, String(own), deleted)
  }
  if (deleted) return nothing() // never published: nothing to remove
  // New: the v2 entity names the person, whose records are listed (the new one among them).
  let person: unknown
  try {
    person = at(
      entityOf(await ctx.http.getJson(slot.lookup.replace('{id}', encodeURIComponent(id)))),
      slot.personAt,
    )
  } catch (error) {
    if (!isNotFound(error)) throw error
    return nothing() // gone again already, or not this resource's (an hourly absence)
  }
  if (typeof person !== 'string' && typeof person !== 'number') return nothing()
  const items: unknown[] = []
  for await (const page of listPages(ctx.http, resource, { where: { [slot.personFilter]: [person] } }))
    items.push(...page.items)
  return { items }
}

/**
 * Personio refuses this one entity for good (a bad id, an unprocessable one): not the credential.
 * A v2 endpoint the credential lost its right to may answer 400 "Unauthorized token" instead of
 * 403 (personio-api.md §2.5, §3.3): that 400 is the credential's, and stops the resource.
 */
export function refusesEntity(
  error: Pick<PersonioHttpError, 'status' | 'personioMessage' | 'message'>,
): boolean {
  if (error.status === 422) return true
  if (error.status !== 400) return false
  return !/unauthori[sz]ed|token/i.test(error.personioMessage ?? error.message)
}

/**
 * One entity's read, or nothing when Personio refuses that one read for good (400, 422): the batch
 * goes on, the reconciliation listing reads the record again, and a warning names it. A 401 (after
 * the client's one token refresh) or a 403 is the credential, not the entity: it fails the batch,
 * so nothing is committed past it and the resource stops with that error (status, /readyz). A
 * failure that may heal (a 5xx, the network) fails the batch too, read again.
 */
async function entityRead(
  ctx: CaptureContext,
  resource: Resource,
  id: string,
  read: () => Promise<EntityRead>,
): Promise<EntityRead> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof PersonioHttpError) || isRetriable(error) || !refusesEntity(error)) throw error
    ctx.logger.warn(
      { resource: resource.name, id, status: error.status },
      `${resource.name} ${id}, named by a webhook, could not be read (${error.message}); the next full listing reads it again`,
    )
    return nothing()
  }
}

/** Entities read at once: the rate limiter paces them, concurrency only hides Personio's latency. */
const READS_AT_ONCE = 4

/**
 * Each entity a batch's reads returned, with its record's change stamp: the evidence that the read
 * saw a change (inbox-coverage.ts). Only what came back counts, never the id a read asked for: a
 * person's time-offs that do not hold the v2 id asked for cover nothing of it.
 */
function stampsOf(resource: Resource, slot: WebhookSlot, reads: readonly EntityRead[]): [string, number][] {
  const out = new Map<string, number>()
  for (const r of reads)
    for (const item of r.items) {
      const entity = listedEntityOf(resource, slot, item)
      if (entity?.stamp !== undefined) out.set(entity.id, Math.max(entity.stamp, out.get(entity.id) ?? 0))
    }
  return [...out]
}

/** What applying a batch did, and which records it read from when (to skip events it covered). */
export interface Applied {
  entities: number
  events: number
  /**
   * entity ids (as events name them) whose record was read (by id, or in a listing), with the
   * change stamp the record carried (ms); a record without one is not listed
   */
  read: [string, number][]
  /** Personio's clock when the reads began: each read saw every change committed before it */
  readFrom?: number
}

/**
 * Reads the entities a batch names and publishes what changed, with the inbox offsets (when given)
 * in the same transaction, so a batch is applied once or read again. The batch is one unit of the
 * resource's lane (engine/lanes.ts): a full listing of the resource, which must not see what this
 * batch would publish, runs before or after it, never beside it. Never called from inside a unit
 * of the same lane.
 */
export function applyInboxWork(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  work: InboxWork,
  consumed?: ConsumedOffsets,
  burstMargin = DEFAULT_BURST_MARGIN,
): Promise<Applied> {
  const slot = slotOf(resource)
  return ctx.lanes.run(resource.name, () => {
    // a stop while the batch waited its turn: nothing of it was committed, the next run reads it
    if (ctx.stopping.aborted) throw new StoppingError(`stopping: ${resource.name} left its webhook batch`)
    return applyHeld(ctx, resource, prepared, slot, work, consumed, burstMargin)
  })
}

/**
 * What Personio has now for each entity the batch names: a burst with one listing (burst.ts), what
 * the listing left out (or the whole batch) by id, a few at a time.
 */
async function readWork(
  ctx: CaptureContext,
  resource: Resource,
  slot: WebhookSlot,
  work: InboxWork,
  burstMargin: number,
): Promise<EntityRead[]> {
  const reads: EntityRead[] = []
  let byId = [...work.entities]
  const known = ctx.state.knownOf(resource.name)
  if (listsBurst(resource, work.entities.size, known.size, burstMargin)) {
    const burst = await readBurst(ctx, resource, slot, work.entities, work.oldest, burstMargin, (id) =>
      slot.read === 'by-id' ? knownKeyOf(known, id) : knownWith(ctx, resource, slot.idField, id),
    )
    reads.push({ items: burst.items }, ...burst.gone.map((gone) => ({ items: [], gone })))
    byId = burst.rest
    publish('personio-kafka:webhooks:listed', {
      resource: resource.name,
      entities: work.entities.size,
      pages: burst.pages,
      full: burst.full,
      byId: byId.length,
    })
  }
  for (let i = 0; i < byId.length; i += READS_AT_ONCE) {
    if (ctx.stopping.aborted)
      throw new StoppingError(`stopping: ${resource.name} left the rest of its webhook batch`)
    const chunk = byId.slice(i, i + READS_AT_ONCE)
    const answers = await Promise.all(
      chunk.map(([id, w]) =>
        entityRead(ctx, resource, id, () =>
          slot.read === 'by-id'
            ? readById(ctx, resource, slot, id, w.deleted)
            : readByV2Id(ctx, resource, slot, id, w.deleted),
        ),
      ),
    )
    reads.push(...answers)
  }
  return reads
}

async function applyHeld(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  slot: WebhookSlot,
  work: InboxWork,
  consumed: ConsumedOffsets | undefined,
  burstMargin: number,
): Promise<Applied> {
  return ctx.serial(resource.name, async () => {
    await settleUncertain(ctx, resource.name)
    for (const r of work.refused)
      ctx.logger.warn(
        { resource: resource.name, event: r.event },
        `${resource.name}: a ${r.event} event names ${JSON.stringify(r.id)}, which is not a ${idShapeOf(slot)} id; skipped without a request`,
      )
    let events = 0
    const personioAt = ctx.http.markPersonioTime()
    const reads = await readWork(ctx, resource, slot, work, burstMargin)
    const part = decideReads(ctx, resource, prepared, reads)
    if (part.events.length > 0 || part.deadLetters.length > 0 || consumed !== undefined) {
      const done = await commitPart(ctx, resource, prepared, part, consumed)
      events = Object.values(done.published).reduce((a, b) => a + b, 0)
    }
    publish('personio-kafka:webhooks:applied', {
      resource: resource.name,
      entities: work.entities.size,
      events,
      ...(work.newest === undefined ? {} : { lagMs: ctx.clock.now() - work.newest }),
    })
    const began = personioAt()
    return {
      entities: work.entities.size,
      events,
      read: stampsOf(resource, slot, reads),
      ...(began === undefined ? {} : { readFrom: began }),
    }
  })
}
