// After a commit Kafka did not confirm (UncertainCommitError), this process cannot know whether
// the transaction's events and state were published: the coordinator finishes it one way or the
// other once the producer registers again. Before the resource diffs anything again, its state is
// read back from the state topic, as a restart would: a commit that landed is then known, and its
// events are not published twice; one that did not is simply done again.
import { UncertainCommitError } from '../errors'
import type { ResourceName } from '../resources'
import type { CaptureContext } from './context'

/** Notes a commit whose outcome is unknown; the resource's next unit of work settles it first. */
export function noteUncertain(ctx: CaptureContext, resource: ResourceName, error: unknown): void {
  if (error instanceof UncertainCommitError) ctx.memory.unsettled.add(resource)
}

/** Settles a commit noted uncertain: registers the producer again, then re-reads the state. */
export async function settleUncertain(ctx: CaptureContext, resource: ResourceName): Promise<void> {
  if (!ctx.memory.unsettled.has(resource)) return
  // Registering the transactional id again makes the coordinator complete or abort the old one.
  await ctx.sinkFor(resource).open()
  const durable = await ctx.readState()
  ctx.state.adopt(resource, durable)
  if (durable.hasCursor(resource)) ctx.memory.durableCursors.set(resource, durable.cursor(resource))
  else ctx.memory.durableCursors.delete(resource)
  ctx.memory.unsettled.delete(resource)
  ctx.logger.warn(
    { resource },
    `${resource}: an unconfirmed commit was settled from the state topic; capture goes on from what Kafka holds`,
  )
}
