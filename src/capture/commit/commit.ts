// One Kafka transaction of one resource: its change events, its dead letters and the state they
// lead to (fingerprints, cursor), plus a stage's consumed offsets. The in-memory state follows
// only after the broker committed, so an aborted transaction leaves nothing behind anywhere.
import { topicFor } from '../../contract/naming'
import { KafkaError, StoppingError } from '../../errors'
import type { ConsumedOffsets, OutgoingRecord } from '../../kafka/port'
import { fitsAlone } from '../../kafka/record-size'
import { publish } from '../../ops/channels'
import { crashPoint } from '../../ops/crash-points'
import type { Resource } from '../../resources'
import type { DeadLetter } from '../rules/change-event'
import type { CaptureContext } from '../context'
import type { Cursor } from '../state/cursor'
import {
  capturedDependentsOf,
  deletedIds,
  inDependentLanes,
  rememberCascaded,
  ridersOf,
  type Rider,
} from './cascade'
import { deadLetterRecord } from './dead-letter'
import { noteUncertain } from './settle-commit'
import type { Prepared } from '../read/prepare'
import { type KeyText, type Known } from '../state/keys'
import { stateRecords } from '../state/state'
import { emptyPart, joinParts, type Committed, type Part } from './part'

// The sources build their parts with these; they are the committer's vocabulary.
export { emptyPart, joinParts, type Committed, type Part }
import { toOutgoing } from './to-outgoing'

export async function commitPart(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  part: Part,
  consumed?: ConsumedOffsets,
): Promise<Committed> {
  // Deletes of a record others go with (a person's absences): their tombstones ride along (cascade.ts).
  const dependents = capturedDependentsOf(ctx, resource.name)
  const parents = dependents.length === 0 ? new Set<string>() : deletedIds(resource, part.events)
  if (parents.size === 0) return commitWith(ctx, resource, prepared, part, consumed, [])
  return inDependentLanes(ctx, dependents, async () =>
    commitWith(ctx, resource, prepared, part, consumed, await ridersOf(ctx, dependents, parents)),
  )
}

/** A part encoded for its transaction: the records, and what it means once they are committed. */
interface Encoded {
  at: number
  records: OutgoingRecord[]
  /** the state delta that commits: without the keys whose records could not be encoded */
  delta: Map<KeyText, Known | null>
  letters: DeadLetter[]
  /** keys (as JSON of their values) whose events were dead-lettered on encoding */
  failed: Set<string | undefined>
  limits: ReturnType<CaptureContext['limits']['due']>
}

async function commitWith(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  part: Part,
  consumed: ConsumedOffsets | undefined,
  riders: readonly Rider[],
): Promise<Committed> {
  // A stopping service begins no transaction: what this part holds is read again by the next run.
  if (ctx.stopping.aborted) throw new StoppingError(`stopping: ${resource.name} transaction not begun`)
  // This part was diffed against a state an unconfirmed commit may have outdated: diff again once
  // it is read back (src/capture/commit/settle-commit.ts), never publish from it.
  if (ctx.memory.unsettled.has(resource.name))
    throw new KafkaError(
      `${resource.name}: an earlier commit is unconfirmed; this change is diffed again once its state is read back`,
      { retriable: true },
    )
  const encoded = encodePart(ctx, resource, prepared, part, riders)
  const started = ctx.clock.now()
  try {
    await ctx.events.publish(resource.name, encoded.records, consumed)
  } catch (error) {
    noteUncertain(ctx, resource.name, error)
    // the riders' state was in that transaction too: theirs is read back as well
    for (const r of riders) noteUncertain(ctx, r.resource.name, error)
    reportTransaction(resource, 'aborted', encoded.records.length, ctx.clock.now() - started)
    throw error
  }
  crashPoint('after-commit-before-state')
  applyCommitted(ctx, resource, part, encoded, riders)
  reportTransaction(resource, 'committed', encoded.records.length, ctx.clock.now() - started)
  return reportPublished(ctx, resource, part, encoded)
}

function encodePart(
  ctx: CaptureContext,
  resource: Resource,
  prepared: Prepared,
  part: Part,
  riders: readonly Rider[],
): Encoded {
  // Record timestamps never go backwards per resource: a tombstone is never older than its upsert.
  const at = Math.max(
    ctx.clock.now(),
    ...[resource, ...riders.map((r) => r.resource)].map((r) => ctx.memory.lastTimestamps.get(r.name) ?? 0),
  )
  const topic = topicFor(ctx.prefix, resource.name)
  const encoded = toOutgoing(topic, prepared.codec, part.events, at, ctx.deleteMode, ctx.messageLimit(topic))
  const delta = new Map(part.delta)
  // A record that could not be encoded (or is larger than its topic accepts) was not published: it
  // must not count as known, so the next full listing tries it again.
  for (const letter of encoded.deadLetters) if (letter.key !== undefined) delta.delete(letter.key)
  const letters = [...part.deadLetters, ...encoded.deadLetters]
  // the Personio client's learned paces ride along now and then (learned-limits.ts says why here)
  const limits = ctx.limits.due(ctx.stateTopic, at)
  const records = [
    ...encoded.records,
    ...letters.map((l) => deadLetterRecord(ctx.dlqTopic, l, at, ctx.messageLimit(ctx.dlqTopic))),
    ...boundedStateRecords(ctx, resource.name, delta, part.cursor, at),
    ...(limits?.records ?? []),
    ...riders.flatMap((r) => riderRecords(ctx, r, at)),
  ]
  return { at, records, delta, letters, failed: new Set(encoded.deadLetters.map((l) => l.key)), limits }
}

/** Memory follows the broker: only now that the transaction committed. */
function applyCommitted(
  ctx: CaptureContext,
  resource: Resource,
  part: Part,
  { at, delta, limits }: Encoded,
  riders: readonly Rider[],
): void {
  if (limits !== undefined) ctx.limits.written(limits.figures, at)
  ctx.memory.lastTimestamps.set(resource.name, at)
  if (part.cursor !== undefined) ctx.memory.durableCursors.set(resource.name, part.cursor)
  ctx.state.commit({ resource: resource.name, known: delta, cursor: part.cursor })
  for (const r of riders) {
    ctx.memory.lastTimestamps.set(r.resource.name, at)
    ctx.state.commit({ resource: r.resource.name, known: r.delta })
    rememberCascaded(ctx.memory, r.resource.name, r.delta.keys(), ctx.clock.now())
    const count = r.delta.size
    publish('personio-kafka:capture:events', { resource: r.resource.name, op: 'd', count })
    ctx.logger.info(
      { resource: r.resource.name, with: resource.name, count },
      `${count} ${r.resource.name} record(s) tombstoned with their deleted ${resource.name}`,
    )
  }
}

function reportTransaction(
  resource: Resource,
  outcome: 'committed' | 'aborted',
  records: number,
  durationMs: number,
): void {
  publish('personio-kafka:kafka:transaction', { resource: resource.name, outcome, records, durationMs })
}

/** What the transaction published, per op, and its dead letters: counted, logged, on the channels. */
function reportPublished(
  ctx: Pick<CaptureContext, 'logger'>,
  resource: Resource,
  part: Part,
  { letters, failed }: Encoded,
): Committed {
  const published: Committed['published'] = { c: 0, u: 0, r: 0, d: 0 }
  for (const e of part.events) if (!failed.has(JSON.stringify(Object.values(e.key)))) published[e.op] += 1
  for (const op of ['c', 'u', 'r', 'd'] as const)
    if (published[op] > 0)
      publish('personio-kafka:capture:events', { resource: resource.name, op, count: published[op] })
  for (const l of letters) {
    ctx.logger.warn({ resource: resource.name, stage: l.stage, key: l.key }, l.error.message)
    publish('personio-kafka:capture:dead-letter', { resource: resource.name, stage: l.stage, count: 1 })
  }
  return { published, deadLettered: letters.length }
}

/** A rider's tombstones (as DELETE_MODE says) and the state records that forget its keys. */
function riderRecords(ctx: CaptureContext, rider: Rider, at: number): OutgoingRecord[] {
  const topic = topicFor(ctx.prefix, rider.resource.name)
  const encoded = toOutgoing(
    topic,
    rider.prepared.codec,
    rider.events,
    at,
    ctx.deleteMode,
    ctx.messageLimit(topic),
  )
  // A tombstone that could not be encoded leaves its key known: the dependent's next full listing
  // deletes it. (A key encoded once before always encodes again: it is the same key.)
  for (const letter of encoded.deadLetters) if (letter.key !== undefined) rider.delta.delete(letter.key)
  return [
    ...encoded.records,
    ...stateRecords(ctx.stateTopic, { resource: rider.resource.name, known: rider.delta }, at),
  ]
}

/**
 * The state records of a delta, each one fitting the state topic: a last image (kept for the
 * rewrite delete modes) too large to fit beside its fingerprint is left out of memory and topic
 * alike, and that key's delete falls back to a tombstone, as for a key whose image was never kept.
 */
function boundedStateRecords(
  ctx: CaptureContext,
  resource: string,
  delta: Map<KeyText, Known | null>,
  cursor: Cursor | undefined,
  at: number,
): OutgoingRecord[] {
  const limit = ctx.messageLimit(ctx.stateTopic)
  for (const [text, known] of delta) {
    if (known?.i === undefined) continue
    const [record] = stateRecords(ctx.stateTopic, { resource, known: new Map([[text, known]]) }, at)
    if (record === undefined || fitsAlone(record, limit)) continue
    const { i: _image, ...fingerprint } = known
    delta.set(text, fingerprint)
  }
  return stateRecords(ctx.stateTopic, { resource, known: delta, cursor }, at)
}
