// A burst of webhooks (a bulk import, a bulk edit) read with a listing instead of a read per
// record (issue #30). Events are dataless, so each entity they name must be read; by id that is a
// request per entity, while one listing reads a page of up to `maxLimit` records per request. The
// rule, from the declaration's paging alone: list when the batch names more distinct entities than
// BURST_MARGIN times the pages a full listing would take. The listing is incremental from the
// oldest event (Personio's clock, less the resource's overlap) and publishes, through the same
// fingerprints, whatever it returns. What it does not return proves nothing: an entity it misses is
// read by id as before (a few), or found in one full listing (many); only an announced delete is
// ever a delete — answering 404, or absent from a complete, unshifted full listing by record
// offset (a listing by page number or cursor cannot tell a moved record from a missing one).
import type { Resource } from '../../../resources'
import type { WebhookSlot } from '../../../resources/resource'
import type { CaptureContext } from '../../context'
import { ListingWatch, selfCheckingPaging } from '../../read/listing-watch'
import { listPages } from '../../read/listing'
import type { KeyText } from '../../state/keys'

/**
 * By-id reads must exceed the listing's pages this many times over before a listing replaces them:
 * a page is a heavier request than a read by id (100 records rendered, not one), the page count is
 * estimated from what is known (records created meanwhile add pages), and an incremental listing
 * may leave entities to read by id or to a second, full listing. Twice keeps a listing the cheaper
 * choice in all three cases; at 500 known employees a batch naming 15 people or more is listed
 * (a listing of 515 is 7 pages).
 */
export const DEFAULT_BURST_MARGIN = 2

/** Entity id (as events name it) → whether Personio announced its delete. */
export type Entities = ReadonlyMap<string, { deleted: boolean }>

/**
 * Requests a full listing of `records` records costs at most: a page per `maxLimit`, plus one —
 * record offsets re-read each page's last row, and the last page may come back empty.
 */
export function listingPages(resource: Resource, records: number): number {
  if (resource.source.paging === 'none') return 1
  return Math.ceil(records / (resource.source.maxLimit ?? 100)) + 1
}

/**
 * Whether a batch naming `entities` is read with a listing: more entities than `margin` times the
 * pages of a full listing of what is known plus what the batch may add. `margin` 0: never.
 */
export function listsBurst(resource: Resource, entities: number, known: number, margin: number): boolean {
  if (margin <= 0 || resource.source.paging === 'page-param') return false
  return entities > margin * listingPages(resource, known + entities)
}

/** The id an event names for a listed item: its key (by id), or the v2 id it carries (by v2 id). */
function entityIdOf(resource: Resource, slot: WebhookSlot, item: unknown): string | undefined {
  return listedEntityOf(resource, slot, item)?.id
}

/**
 * The entity an item is (its id as events name it) and its change stamp (ms), when the resource
 * has one and the item carries it; undefined for an item that cannot be mapped (read by id, where
 * it is dead-lettered).
 */
export function listedEntityOf(
  resource: Resource,
  slot: WebhookSlot,
  item: unknown,
): { id: string; stamp?: number } | undefined {
  try {
    const record = resource.toRecord(item)
    const value = slot.read === 'by-v2-id' ? record[slot.idField] : record[resource.key[0] ?? 'id']
    if (value === null || value === undefined) return undefined
    const stamp = resource.changedAtField === undefined ? undefined : record[resource.changedAtField]
    return { id: String(value), ...(typeof stamp === 'number' ? { stamp } : {}) }
  } catch {
    return undefined
  }
}

export interface BurstRead {
  /** every item the listing(s) returned, diffed like any other read */
  items: unknown[]
  /** announced deletes proven by their absence from a complete full listing */
  gone: KeyText[]
  /** entities the listing did not settle: read by id as before */
  rest: [string, { deleted: boolean }][]
  /** the ids (as events name them) of every record the listing(s) returned */
  listed: Set<string>
  /** requests the listing(s) took */
  pages: number
  full: boolean
}

async function list(
  ctx: CaptureContext,
  resource: Resource,
  slot: WebhookSlot,
  changedSince: number | undefined,
): Promise<{ items: unknown[]; ids: Set<string>; pages: number; trusted: boolean }> {
  const items: unknown[] = []
  const watch = new ListingWatch()
  let pages = 0
  for await (const page of listPages(
    ctx.http,
    resource,
    changedSince === undefined ? {} : { changedSince },
  )) {
    pages += 1
    items.push(...page.items)
    watch.page(
      page,
      page.items.map((item) => entityIdOf(resource, slot, item)),
    )
  }
  // what it left out proves something only for a paging that checks itself, unmoved, every item known
  const trusted = selfCheckingPaging(resource) && watch.shifted === undefined && watch.keyless === 0
  return { items, ids: watch.seen, pages, trusted }
}

/**
 * Reads a burst's entities with a listing: incremental from `oldest` (less the resource's
 * overlap), then, when it leaves more entities unsettled than the rule allows by id, one full
 * listing (the only listing of a resource without a change filter). `knownKeyOf` finds the state's
 * key of an announced delete absent from the full listing.
 */
export async function readBurst(
  ctx: CaptureContext,
  resource: Resource,
  slot: WebhookSlot,
  entities: Entities,
  oldest: number | undefined,
  margin: number,
  knownKeyOf: (id: string) => KeyText | undefined,
): Promise<BurstRead> {
  const known = ctx.state.knownOf(resource.name).size
  const incremental = resource.source.changedSince !== undefined && oldest !== undefined
  const since = incremental ? oldest - ctx.settings[resource.name].overlapMs : undefined
  const first = await list(ctx, resource, slot, since)
  const items = first.items
  const listed = new Set(first.ids)
  let pages = first.pages
  let rest = [...entities].filter(([id]) => !first.ids.has(id))
  let full = incremental ? undefined : first
  if (full === undefined && listsBurst(resource, rest.length, known, margin)) {
    const all = await list(ctx, resource, slot, undefined)
    items.push(...all.items)
    for (const id of all.ids) listed.add(id)
    pages += all.pages
    rest = rest.filter(([id]) => !all.ids.has(id))
    full = all
  }
  // an incremental listing proves nothing by what it leaves out: those are read by id
  if (full === undefined) return { items, gone: [], rest, listed, pages, full: false }
  // a full listing that moved under the reader (or pages by number or cursor, which cannot tell)
  // may have skipped live records: read them by id
  if (!full.trusted) return { items, gone: [], rest, listed, pages, full: true }
  // absent from a complete listing: gone when announced; else nothing to read (a 404 would prove
  // nothing either, and the reconciliation listing decides)
  const gone = rest.flatMap(([id, w]) => {
    const text = w.deleted ? knownKeyOf(id) : undefined
    return text === undefined ? [] : [text]
  })
  return { items, gone, rest: [], listed, pages, full: true }
}
