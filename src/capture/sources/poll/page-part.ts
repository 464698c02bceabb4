// One page of a listing as a part of a transaction: mapped, passed through the field policy and
// diffed against what was published. The cycle's tally learns the page's keys (for the deletes)
// and its records' change stamps (for the cursor and for records stamped in the future).
import { publish } from '../../../ops/channels'
import type { Resource } from '../../../resources'
import type { Part } from '../../commit/commit'
import type { CaptureContext } from '../../context'
import type { RawPage } from '../../read/listing'
import type { Prepared } from '../../read/prepare'
import { applyFieldPolicy } from '../../rules/apply-field-policy'
import type { ChangeEvent } from '../../rules/change-event'
import { diffRecords } from '../../rules/diff'
import { mapPage } from '../../rules/map-page'
import { AHEAD_MARGIN_MS } from '../../rules/personio-clock'
import { refFieldsOf } from '../../rules/refs'
import { watchersOf } from '../../rules/watch'
import type { Known } from '../../state/keys'
import type { CyclePlan } from './plan'
import type { Tally } from './tally'

export type PagePartContext = Pick<CaptureContext, 'state' | 'deleteMode' | 'memory' | 'http' | 'clock'>

/** `pending`: what the pages before it in the same transaction already changed. */
export function pagePart(
  ctx: PagePartContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  tally: Tally,
  page: RawPage,
  pending: ReadonlyMap<string, Known | null>,
): Part {
  const snapshot = plan.kind === 'snapshot'
  const mapped = applyFieldPolicy(
    prepared.policy,
    mapPage(resource, page.items, 'r', snapshot, prepared.mapping),
  )
  const diff = diffRecords(
    resource,
    mapped.events,
    ctx.state.knownOf(resource.name),
    {
      snapshot,
      resumed: plan.kind === 'snapshot' && plan.resumeAt !== undefined,
      refFields: refFieldsOf(resource.name),
      watchers: watchersOf(resource.name),
      keepImages: ctx.deleteMode !== 'tombstone',
      fingerprint: ctx.memory.fingerprint,
    },
    pending,
  )
  // A record that could not be mapped still counts as listed: it must never look deleted.
  tally.watch.page(page, [...diff.seen, ...mapped.deadLetters.map((l) => l.key)])
  noteStamps(ctx, tally, mapped.events)
  tally.report.pages += 1
  tally.report.read += page.items.length
  publish('personio-kafka:capture:page', {
    resource: resource.name,
    cycleId: tally.report.cycleId,
    items: page.items.length,
    total: page.total,
  })
  return { events: diff.events, deadLetters: mapped.deadLetters, delta: diff.delta }
}

/** The newest change stamp seen, and records stamped later than Personio's own clock says now. */
function noteStamps(
  ctx: Pick<CaptureContext, 'http' | 'clock'>,
  tally: Tally,
  events: readonly ChangeEvent[],
): void {
  const personioNow = ctx.http.markPersonioTime()()
  for (const e of events) {
    if (e.sourceTsMs === undefined) continue
    tally.withTimestamp += 1
    tally.maxChangedAt = Math.max(tally.maxChangedAt ?? e.sourceTsMs, e.sourceTsMs)
    if (personioNow !== undefined && e.sourceTsMs > personioNow + AHEAD_MARGIN_MS) {
      const count = (tally.ahead?.count ?? 0) + 1
      tally.ahead = { count, maxMs: Math.max(tally.ahead?.maxMs ?? 0, e.sourceTsMs), at: ctx.clock.now() }
    }
  }
}
