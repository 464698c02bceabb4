// A resource's last failed cycle, kept in its cursor in the state topic, so `personio-kafka status`
// (another process, perhaps days later) can say why capture stopped or keeps failing. The next
// successful cycle clears it. Best effort: a failure of Kafka itself cannot be written to Kafka.
import { KafkaError, PkError, StateError, StoppingError } from '../../errors'
import { resources, type ResourceName } from '../../resources'
import type { CaptureContext } from '../context'
import type { CursorError } from '../state/cursor'
import { noteUncertain } from '../commit/settle-commit'
import { stateRecords } from '../state/state'

/** An unchanged error is written again at most this often: a Personio outage is not a record a poll. */
const REWRITE_SAME_ERROR_MS = 10 * 60_000

export function cursorErrorOf(error: unknown, at: number): CursorError {
  return error instanceof PkError
    ? { code: error.code, message: error.message, at }
    : { code: 'INTERNAL', message: (error as Error)?.message ?? String(error), at }
}

export async function recordLastError(
  ctx: CaptureContext,
  resource: ResourceName,
  error: unknown,
): Promise<void> {
  if (error instanceof KafkaError || error instanceof StateError || error instanceof StoppingError) return
  // A stage's first cursor marks its first population: an error must not stand in for it.
  if (resources[resource].stage !== undefined && !ctx.state.hasCursor(resource)) return
  const next = cursorErrorOf(error, ctx.clock.now())
  await ctx.serial(resource, async () => {
    // not skipped when stopping: the last resource's error is what stops the service, and the
    // stop waits for this one small transaction
    if (ctx.memory.unsettled.has(resource)) return
    const before = ctx.memory.durableCursors.get(resource) ?? ctx.state.cursor(resource)
    const last = before.lastError
    // progress since the last write would make it look healed (status compares the times)
    const progressSince =
      Math.max(before.snapshotProgressAt ?? 0, before.lastSuccessAt ?? 0) > (last?.at ?? 0)
    if (
      last !== undefined &&
      !progressSince &&
      last.code === next.code &&
      last.message === next.message &&
      next.at - last.at < REWRITE_SAME_ERROR_MS
    )
      return
    const cursor = { ...ctx.state.cursor(resource), lastError: next }
    const at = Math.max(ctx.clock.now(), ctx.memory.lastTimestamps.get(resource) ?? 0)
    const records = stateRecords(ctx.stateTopic, { resource, known: new Map(), cursor }, at)
    try {
      await ctx.events.publish(resource, records)
    } catch (failure) {
      noteUncertain(ctx, resource, failure)
      throw failure
    }
    ctx.memory.lastTimestamps.set(resource, at)
    ctx.memory.durableCursors.set(resource, cursor)
    ctx.state.commit({ resource, known: new Map(), cursor })
  })
}
