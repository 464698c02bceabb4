// After a commit Kafka did not confirm (UncertainCommitError), this process cannot know whether
// the transaction's events and state were published: the coordinator finishes it one way or the
// other once the producer registers again. Before the resource diffs anything again, its state is
// read back from the state topic, as a restart would: a commit that landed is then known, and its
// events are not published twice; one that did not is simply done again.
import { UncertainCommitError } from '../../errors'
import type { ResourceName } from '../../resources'
import type { CaptureContext } from '../context'

/** Notes a commit whose outcome is unknown; the resource's next unit of work settles it first. */
export function noteUncertain(ctx: CaptureContext, resource: ResourceName, error: unknown): void {
  if (!(error instanceof UncertainCommitError)) return
  const offsets = error.written
    .filter((w) => w.topicName === ctx.stateTopic && w.baseOffset !== undefined && w.baseOffset !== '-1')
    .map((w) => BigInt(w.baseOffset as string))
  ctx.memory.unsettled.set(resource, [...(ctx.memory.unsettled.get(resource) ?? []), ...offsets])
}

/** Settles a commit noted uncertain: registers the producer again, then re-reads the state. */
export async function settleUncertain(ctx: CaptureContext, resource: ResourceName): Promise<void> {
  const written = ctx.memory.unsettled.get(resource)
  if (written === undefined) return
  // Registering the transactional id again makes the coordinator complete or abort the old one;
  // the read then waits until the state topic's committed end has passed what it wrote there (an
  // open transaction of another resource holds that end back, and a short read would miss it).
  await ctx.events.open(resource)
  const durable = await ctx.stateStore.readAfter(written)
  ctx.state.adopt(resource, durable)
  if (durable.hasCursor(resource)) ctx.memory.durableCursors.set(resource, durable.cursor(resource))
  else ctx.memory.durableCursors.delete(resource)
  ctx.memory.unsettled.delete(resource)
  ctx.logger.warn(
    { resource },
    `${resource}: an unconfirmed commit was settled from the state topic; capture goes on from what Kafka holds`,
  )
}
