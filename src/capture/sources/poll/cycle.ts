// One cycle of a top-level resource, as its plan says: list (all of it, or what changed since the
// cursor), map, diff against what was published, publish in transactions, then — after a complete
// listing — the deletes, and the cursor that covers the whole cycle in the last transaction.
import { concat, defer, finalize, from, last, map, Observable, of, switchMap, tap } from 'rxjs'
import { PkError } from '../../../errors'
import { cycleLogger, inCycle, newCycleId } from '../../../ops/logger'
import { publish } from '../../../ops/channels'
import { crashPoint, pausePoint, pausingAt } from '../../../ops/crash-points'
import type { Resource, ResourceName } from '../../../resources'
import { applyFieldPolicy } from '../../rules/apply-field-policy'
import { withoutCascaded } from '../../commit/cascade'
import { commitPart, emptyPart, type Part } from '../../commit/commit'
import type { CaptureContext } from '../../context'
import type { Cursor, StampedAhead } from '../../state/cursor'
import {
  announcesEveryDelete,
  awaitingApproval,
  decideDeletes,
  type GuardPolicy,
  type HeldDeletes,
} from '../../rules/delete-guard'
import { diffRecords, goneKeys } from '../../rules/diff'
import { lagSeconds } from '../../state/lag'
import { ListingWatch, selfCheckingPaging } from '../../read/listing-watch'
import { warnAboutWaves } from './wave-warnings'
import { mapPage } from '../../rules/map-page'
import { batchPages } from './batch-pages'
import type { ResourceSettings } from '../../engine/settings'
import { planCycle, type CyclePlan } from './plan'
import { prepareResource, type Prepared } from '../../read/prepare'
import { listPages, type RawPage } from '../../read/listing'
import { refFieldsOf } from '../../rules/refs'
import { watchersOf } from '../../rules/watch'
import { AHEAD_MARGIN_MS, SKEW_MARGIN_MS } from '../../rules/personio-clock'
import { keyText, type KeyText, type Known } from '../../state/keys'
import { settleUncertain } from '../../commit/settle-commit'

/** A resource's settings as they stand now: while it follows webhooks, their reconciliation interval. */
export function settingsNow(
  ctx: Pick<CaptureContext, 'settings' | 'webhooks'>,
  resource: ResourceName,
): ResourceSettings {
  const configured = ctx.settings[resource]
  return { ...configured, reconcileMs: ctx.webhooks.reconcileMs(resource, configured.reconcileMs) }
}

export interface CycleReport {
  resource: ResourceName
  cycleId: string
  plan: CyclePlan['kind']
  pages: number
  read: number
  published: { c: number; u: number; r: number; d: number }
  deadLettered: number
}

/** Per-cycle bookkeeping, created inside the subscription. */
interface Tally {
  report: CycleReport
  /** keys listed, and whether the listing moved under the reader */
  watch: ListingWatch
  maxChangedAt?: number
  withTimestamp: number
  /** our clock */
  started: number
  /** Personio's clock when the listing began, once a response has said it */
  personioStart: () => number | undefined
  ahead?: StampedAhead
}

function pagePart(
  ctx: CaptureContext,
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
  const personioNow = ctx.http.markPersonioTime()()
  for (const e of mapped.events) {
    if (e.sourceTsMs === undefined) continue
    tally.withTimestamp += 1
    tally.maxChangedAt = Math.max(tally.maxChangedAt ?? e.sourceTsMs, e.sourceTsMs)
    if (personioNow !== undefined && e.sourceTsMs > personioNow + AHEAD_MARGIN_MS) {
      const count = (tally.ahead?.count ?? 0) + 1
      tally.ahead = { count, maxMs: Math.max(tally.ahead?.maxMs ?? 0, e.sourceTsMs), at: ctx.clock.now() }
    }
  }
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

/** A snapshot records where it got to with every batch, so a killed one resumes there. */
function resumeCursor(cursor: Cursor, tally: Tally, position: number | string, now: number): Cursor {
  return {
    ...cursor,
    snapshotStartedAt: cursor.snapshotStartedAt ?? tally.personioStart(),
    snapshotResumeAt: position,
    snapshotProgressAt: now,
  }
}

/**
 * Up to when changes are covered: the moment the listing began by Personio's clock (a snapshot:
 * its first part), less the skew margin — never a record's own stamp, which may lie in the future.
 * A Personio that states no time leaves the newest change seen, never past our own clock.
 */
function coveredUpTo(plan: CyclePlan, cursor: Cursor, tally: Tally): number | undefined {
  const start = (plan.kind === 'snapshot' ? cursor.snapshotStartedAt : undefined) ?? tally.personioStart()
  if (start !== undefined) return start - SKEW_MARGIN_MS
  const newest =
    tally.maxChangedAt === undefined
      ? cursor.changedAt
      : Math.max(cursor.changedAt ?? tally.maxChangedAt, tally.maxChangedAt)
  return newest === undefined ? undefined : Math.min(newest, tally.started - SKEW_MARGIN_MS)
}

/** What a complete listing's deletes come to: published now, held, or the next cycle re-reads. */
interface DeleteOutcome {
  publish: KeyText[]
  hold?: HeldDeletes
  recheck: boolean
}

function finalCursor(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  cursor: Cursor,
  tally: Tally,
  deletes: DeleteOutcome | undefined,
): Cursor {
  const complete = plan.kind !== 'incremental'
  const noTimestamps =
    resource.detect === 'incremental' && complete && tally.report.read > 0 && tally.withTimestamp === 0
  if (noTimestamps && cursor.fullListing !== true) {
    ctx.logger.warn(
      { resource: resource.name },
      `Personio sent no ${resource.changedAtField ?? 'change timestamp'} for ${resource.name}: the credential may not read it ` +
        '(Settings → Integrations → API credentials → readable attributes). Falling back to full listings every cycle, ' +
        'which costs a full read per poll; whitelist the attribute to read only changes.',
    )
  }
  if (tally.ahead !== undefined && cursor.stampedAhead === undefined) {
    ctx.logger.warn(
      {
        resource: resource.name,
        records: tally.ahead.count,
        latest: new Date(tally.ahead.maxMs).toISOString(),
      },
      `Personio sent ${tally.ahead.count} ${resource.name} record(s) stamped in the future (latest ` +
        `${new Date(tally.ahead.maxMs).toISOString()}): they are published, and the cursor stays at Personio's ` +
        'own clock so later changes are still read.',
    )
  }
  // A resumed snapshot began with an older schema: only a listing read whole with this one fills it.
  const readWhole = plan.kind === 'reconcile' || (plan.kind === 'snapshot' && plan.resumeAt === undefined)
  const ourNow = ctx.clock.now()
  const personioNow = ctx.http.markPersonioTime()()
  const next: Cursor = {
    ...cursor,
    changedAt: coveredUpTo(plan, cursor, tally),
    snapshotDone: cursor.snapshotDone || plan.kind === 'snapshot',
    snapshotResumeAt: undefined,
    snapshotStartedAt: undefined,
    snapshotProgressAt: undefined,
    resnapshot: undefined,
    // `at` is when records were first seen ahead: an unchanged condition is no new state record
    stampedAhead:
      tally.ahead === undefined
        ? undefined
        : { ...tally.ahead, at: cursor.stampedAhead?.at ?? tally.ahead.at },
    customFields:
      readWhole && prepared.customFields !== undefined ? prepared.customFields : cursor.customFields,
    lastSuccessAt: ourNow,
    // `status` reads the lag on Personio's clock from it, long after this process is gone
    personioAheadMs: personioNow === undefined ? cursor.personioAheadMs : personioNow - ourNow,
    lastError: undefined,
  }
  if (deletes !== undefined) {
    next.heldDeletes = deletes.hold
    next.recheck = deletes.recheck ? true : undefined
    // a listing whose deletes could not be trusted is no reconciliation
    if (!deletes.recheck) next.lastReconcileAt = tally.started
  }
  if (complete && resource.detect === 'incremental') next.fullListing = noTimestamps ? true : undefined
  return next
}

/**
 * Worth a state record: anything but the success time and the covered time moved, the covered
 * time by five minutes, or the last write is ten minutes old. An idle cycle moves the covered time
 * in memory only: after a restart the older one re-reads a little more, and fingerprints drop it.
 */
function cursorMoved(before: Cursor, after: Cursor): boolean {
  // the clock difference jitters by the `Date` header's second: no reason to write by itself
  const strip = ({ lastSuccessAt: _, changedAt: __, personioAheadMs: ___, ...rest }: Cursor) =>
    JSON.stringify(rest)
  return (
    strip(before) !== strip(after) ||
    (before.changedAt === undefined) !== (after.changedAt === undefined) ||
    Math.abs((after.changedAt ?? 0) - (before.changedAt ?? 0)) >= 300_000 ||
    (after.lastSuccessAt ?? 0) - (before.lastSuccessAt ?? 0) > 600_000
  )
}

/** The keys of a second, independent listing, and whether that one moved too. */
async function relist(ctx: CaptureContext, resource: Resource, prepared: Prepared): Promise<ListingWatch> {
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
 * A complete listing's deletes. Candidates are the known keys it did not return. A listing that
 * moved under the reader, or one whose paging cannot tell (page numbers, v2 cursors), has them
 * checked by a second listing: only keys missing from both are gone. Implausibly many are held.
 */
async function settleDeletes(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  tally: Tally,
  before: Cursor,
): Promise<DeleteOutcome> {
  const log = { resource: resource.name }
  const { watch } = tally
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
    const second = await relist(ctx, resource, prepared)
    gone = gone.filter((k) => !second.seen.has(k))
    if (second.keyless > 0) return { publish: [], hold: before.heldDeletes, recheck: false }
    if (second.shifted !== undefined) {
      ctx.logger.warn(
        { ...log, candidates: gone.length },
        `the ${resource.name} listing moved while it was read, twice (${watch.shifted ?? second.shifted}; then ` +
          `${second.shifted}): the ${gone.length} record(s) missing from both wait for the next full listing`,
      )
      // nothing is decided: the next cycle lists everything again and judges these afresh
      return { publish: [], hold: before.heldDeletes, recheck: true }
    }
  }
  if (watch.shifted !== undefined)
    ctx.logger.warn(
      log,
      `the ${resource.name} listing moved while it was read (${watch.shifted}): deletes were checked ` +
        'against a second listing, and the next cycle reads everything again',
    )
  const settings = ctx.settings[resource.name]
  const policy: GuardPolicy = {
    share: ctx.deleteGuardShare,
    mode: settings.deleteGuardMode,
    holdMs: settings.deleteHoldMs,
    covered: announcesEveryDelete(
      resource,
      (name) => ctx.settings[name]?.enabled === true && ctx.webhooks.following(name),
    ),
  }
  const decision = decideDeletes(known.size, gone, before.heldDeletes, policy, ctx.clock.now())
  warnAboutWaves(ctx, resource, known.size, policy, decision)
  return { publish: decision.publish, hold: decision.hold, recheck: watch.shifted !== undefined }
}

function finish(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  plan: CyclePlan,
  tally: Tally,
): Promise<CycleReport> {
  return ctx.serial(resource.name, async () => {
    const before = ctx.state.cursor(resource.name)
    const known = ctx.state.knownOf(resource.name)
    const complete = plan.kind === 'reconcile' || (plan.kind === 'snapshot' && plan.deletes)
    const deletes = complete ? await settleDeletes(ctx, resource, prepared, tally, before) : undefined
    const cursor = finalCursor(ctx, resource, prepared, plan, before, tally, deletes)
    if (cursor.changedAt !== undefined) {
      const now = ctx.http.markPersonioTime()() ?? ctx.clock.now()
      publish('personio-kafka:capture:cursor', {
        resource: resource.name,
        changedAtMs: cursor.changedAt,
        lagSeconds: lagSeconds(cursor.changedAt, now),
      })
    }
    publish('personio-kafka:capture:guard', {
      resource: resource.name,
      deletesHeld: cursor.heldDeletes?.count ?? 0,
      deletesAwaitingApproval: awaitingApproval(
        cursor.heldDeletes,
        ctx.settings[resource.name].deleteGuardMode,
      ),
      stampedAhead: cursor.stampedAhead?.count ?? 0,
      shifted: tally.watch.shifted !== undefined,
    })
    const gone = goneKeys(resource, known, deletes?.publish ?? [], new Set())
    if (complete) crashPoint('mid-reconcile')
    // compared with what the state topic holds, not with memory (idle cycles move only memory)
    if (!ctx.memory.durableCursors.has(resource.name)) ctx.memory.durableCursors.set(resource.name, before)
    const durable = ctx.memory.durableCursors.get(resource.name) ?? before
    if (gone.events.length === 0 && !cursorMoved(durable, cursor)) {
      ctx.state.commit({ resource: resource.name, known: new Map(), cursor }) // nothing worth a transaction
      return tally.report
    }
    // Deletes in transactions of TRANSACTION_MAX_RECORDS; the cursor rides in the last one.
    const size = ctx.maxTransactionRecords
    for (let i = 0; i === 0 || i < gone.events.length; i += size) {
      const events = gone.events.slice(i, i + size)
      const delta = new Map<KeyText, Known | null>()
      for (const e of events) delta.set(keyText(resource.key, e.key), null)
      const last = i + size >= gone.events.length
      const part: Part = { events, deadLetters: [], delta, ...(last ? { cursor } : {}) }
      const done = await commitPart(ctx, resource, prepared, part)
      tally.report.published.d += done.published.d
    }
    return tally.report
  })
}

/**
 * One cycle: the codec first (a custom attribute that appeared is registered before anything is
 * read), then the plan. A value schema that grew turns an incremental read into a full listing:
 * Personio does not bump `last_modified_at` when an attribute is added, yet every record now has
 * a value for it.
 */
export function captureCycle(
  ctx: CaptureContext,
  resource: Resource,
  forceSnapshot = false,
): Observable<CycleReport> {
  return defer(() =>
    from(settleUncertain(ctx, resource.name).then(() => prepareResource(ctx, resource))),
  ).pipe(switchMap((prepared) => runCycle(ctx, resource, prepared, forceSnapshot)))
}

function runCycle(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  forceSnapshot: boolean,
): Observable<CycleReport> {
  return defer(() => {
    const cursor = ctx.state.cursor(resource.name)
    const planned = planCycle(
      resource,
      cursor,
      ctx.clock.now(),
      settingsNow(ctx, resource.name),
      forceSnapshot,
    )
    // A custom attribute the last whole read did not have: every record now has a value for it.
    const fill =
      prepared.customFields !== undefined &&
      cursor.snapshotDone &&
      prepared.customFields.some((f) => !(cursor.customFields ?? []).includes(f))
    const plan: CyclePlan = fill && planned.kind === 'incremental' ? { kind: 'reconcile' } : planned
    // Followed by webhooks: the inbox and the events endpoint carry every change, so there is no
    // incremental listing; only the reconciliation listing (and a first snapshot) read Personio.
    const report: CycleReport = {
      resource: resource.name,
      cycleId: newCycleId(),
      plan: plan.kind,
      pages: 0,
      read: 0,
      published: { c: 0, u: 0, r: 0, d: 0 },
      deadLettered: 0,
    }
    if (plan.kind === 'incremental' && ctx.webhooks.following(resource.name)) return of(report)
    const tally: Tally = {
      report,
      watch: new ListingWatch(),
      withTimestamp: 0,
      started: ctx.clock.now(),
      personioStart: ctx.http.markPersonioTime(),
    }
    const cycleId = tally.report.cycleId
    const log = cycleLogger(ctx.logger, resource.name, cycleId)
    // A listing of a resource with an inbox holds that inbox (capture/sources/webhook/inbox-apply.ts): a record
    // the inbox published after the listing passed its page would look deleted, or be overwritten
    // by the listing's older read. The inbox catches up right after, reading by id. It holds while
    // the resource polls again for a lost subscription too: deliveries still reach the inbox.
    const holdsInbox = ctx.webhooks.state(resource.name) !== undefined
    if (holdsInbox) ctx.memory.fullListings.add(resource.name)
    const facts = { resource: resource.name, cycleId, kind: plan.kind }
    publish('personio-kafka:capture:cycle', { ...facts, phase: 'start' })
    log.debug({ plan }, 'cycle starting')
    crashPoint('before-first-page')
    const listing = listPages(ctx.http, resource, {
      changedSince: plan.kind === 'incremental' ? plan.since : undefined,
      resumeAt: plan.kind === 'snapshot' ? plan.resumeAt : undefined,
      onRestart: (why) => log.warn({ resource: resource.name }, why),
    })
    // ...and starts once an inbox batch in flight has been applied
    const inboxIdle = async () => {
      while (holdsInbox && ctx.memory.inboxBusy.has(resource.name)) {
        await pausePoint('listing-waits-for-inbox')
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    const work = from(inboxIdle()).pipe(
      switchMap(() =>
        concat(
          batchPages(
            pausingAt('listing-page-read', listing),
            (p) => p.items.length,
            ctx.maxTransactionRecords,
            (pages) =>
              ctx.serial(resource.name, async () => {
                // Pages joined into one transaction are diffed in order: a key read twice counts once.
                const part = emptyPart()
                for (const page of pages) {
                  const next = pagePart(ctx, resource, prepared, plan, tally, page, part.delta)
                  part.events.push(...next.events)
                  part.deadLetters.push(...next.deadLetters)
                  for (const [k, v] of next.delta) part.delta.set(k, v)
                }
                const lastPage = pages[pages.length - 1]
                crashPoint('after-page')
                if (plan.kind === 'snapshot' && lastPage !== undefined)
                  part.cursor = resumeCursor(
                    ctx.state.cursor(resource.name),
                    tally,
                    lastPage.position,
                    ctx.clock.now(),
                  )
                // read before a person's delete took their records along: those stay gone
                const fresh = withoutCascaded(
                  resource,
                  part,
                  ctx.memory.cascaded.get(resource.name),
                  tally.started,
                )
                const done = await commitPart(ctx, resource, prepared, fresh)
                for (const op of ['c', 'u', 'r'] as const) tally.report.published[op] += done.published[op]
                tally.report.deadLettered += done.deadLettered
                return tally.report
              }),
          ),
          defer(() => finish(ctx, resource, prepared, plan, tally)),
        ),
      ),
      last(),
      map((report) => {
        crashPoint('after-cycle')
        const { c, u, r, d } = report.published
        // An idle cycle is routine: only cycles that published something are worth an info line.
        log[c + u + r + d + report.deadLettered > 0 ? 'info' : 'debug'](
          {
            plan: plan.kind,
            pages: report.pages,
            read: report.read,
            c,
            u,
            r,
            d,
            deadLettered: report.deadLettered,
          },
          'cycle done',
        )
        publish('personio-kafka:capture:cycle', {
          ...facts,
          phase: 'end',
          durationMs: ctx.clock.now() - tally.started,
        })
        return report
      }),
      tap({
        error: (error: unknown) =>
          publish('personio-kafka:capture:cycle', {
            ...facts,
            phase: 'error',
            durationMs: ctx.clock.now() - tally.started,
            error:
              error instanceof PkError
                ? { code: error.code, message: error.message }
                : { code: 'INTERNAL', message: String(error) },
          }),
      }),
    )
    // Everything the cycle starts (the Personio client's retries, kafkajs) logs with its ids.
    return new Observable<CycleReport>((subscriber) =>
      inCycle({ resource: resource.name, cycleId }, () => work.subscribe(subscriber)),
    ).pipe(
      finalize(() => {
        if (holdsInbox) ctx.memory.fullListings.delete(resource.name)
      }),
    )
  })
}
