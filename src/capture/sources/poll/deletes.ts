// A complete listing's deletes. Candidates are the known keys it did not return. A listing that
// moved under the reader, or one whose paging cannot tell (page numbers, v2 cursors), has them
// checked by a second listing: only keys missing from both are gone. Implausibly many are held
// (rules/delete-guard.ts decides, wave-warnings.ts says so).
import type { Resource } from '../../../resources'
import type { CaptureContext } from '../../context'
import { listPages } from '../../read/listing'
import { ListingWatch, selfCheckingPaging } from '../../read/listing-watch'
import type { Prepared } from '../../read/prepare'
import { announcesEveryDelete, decideDeletes, type GuardPolicy } from '../../rules/delete-guard'
import { mapPage } from '../../rules/map-page'
import type { Cursor } from '../../state/cursor'
import { keyText, type KeyText } from '../../state/keys'
import type { DeleteOutcome } from './final-cursor'
import { warnAboutWaves } from './wave-warnings'

export type DeletesContext = Pick<
  CaptureContext,
  'http' | 'logger' | 'state' | 'settings' | 'deleteGuardShare' | 'webhooks' | 'clock'
>

/** The keys of a second, independent listing, and whether that one moved too. */
async function relist(
  ctx: Pick<CaptureContext, 'http'>,
  resource: Resource,
  prepared: Prepared,
): Promise<ListingWatch> {
  const watch = new ListingWatch()
  for await (const page of listPages(ctx.http, resource)) {
    const mapped = mapPage(resource, page.items, 'r', false, prepared.mapping)
    watch.page(page, [
      ...mapped.events.map((e) => keyText(resource.key, e.key)),
      ...mapped.deadLetters.map((l) => l.key),
    ])
  }
  return watch
}

/**
 * The candidates a second listing also misses; or what is decided without a decision when that
 * listing cannot say (a record without a key) or moved too (the next cycle judges afresh).
 */
async function secondOpinion(
  ctx: Pick<CaptureContext, 'http' | 'logger'>,
  resource: Resource,
  prepared: Prepared,
  first: ListingWatch,
  candidates: KeyText[],
  before: Cursor,
): Promise<KeyText[] | DeleteOutcome> {
  const second = await relist(ctx, resource, prepared)
  const gone = candidates.filter((k) => !second.seen.has(k))
  if (second.keyless > 0) return { publish: [], hold: before.heldDeletes, recheck: false }
  if (second.shifted === undefined) return gone
  ctx.logger.warn(
    { resource: resource.name, candidates: gone.length },
    `the ${resource.name} listing moved while it was read, twice (${first.shifted ?? second.shifted}; then ` +
      `${second.shifted}): the ${gone.length} record(s) missing from both wait for the next full listing`,
  )
  // nothing is decided: the next cycle lists everything again and judges these afresh
  return { publish: [], hold: before.heldDeletes, recheck: true }
}

function guardPolicy(ctx: DeletesContext, resource: Resource): GuardPolicy {
  const settings = ctx.settings[resource.name]
  return {
    share: ctx.deleteGuardShare,
    mode: settings.deleteGuardMode,
    holdMs: settings.deleteHoldMs,
    covered: announcesEveryDelete(
      resource,
      (name) => ctx.settings[name]?.enabled === true && ctx.webhooks.following(name),
    ),
  }
}

export async function settleDeletes(
  ctx: DeletesContext,
  resource: Resource,
  prepared: Prepared,
  watch: ListingWatch,
  before: Cursor,
): Promise<DeleteOutcome> {
  const log = { resource: resource.name }
  if (watch.keyless > 0) {
    ctx.logger.warn(
      log,
      `${watch.keyless} ${resource.name} record(s) came without a readable key (dead-lettered): which records ` +
        'exist is not known, so this listing deletes nothing',
    )
    return { publish: [], hold: before.heldDeletes, recheck: false }
  }
  const known = ctx.state.knownOf(resource.name)
  let gone = [...known.keys()].filter((k) => !watch.seen.has(k))
  if (gone.length > 0 && (watch.shifted !== undefined || !selfCheckingPaging(resource))) {
    const checked = await secondOpinion(ctx, resource, prepared, watch, gone, before)
    if (!Array.isArray(checked)) return checked
    gone = checked
  }
  if (watch.shifted !== undefined)
    ctx.logger.warn(
      log,
      `the ${resource.name} listing moved while it was read (${watch.shifted}): deletes were checked ` +
        'against a second listing, and the next cycle reads everything again',
    )
  const policy = guardPolicy(ctx, resource)
  const decision = decideDeletes(known.size, gone, before.heldDeletes, policy, ctx.clock.now())
  warnAboutWaves(ctx, resource, known.size, policy, decision)
  return { publish: decision.publish, hold: decision.hold, recheck: watch.shifted !== undefined }
}
