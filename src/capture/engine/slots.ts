// The coordinator's slots: what each selected resource runs, and how often. A poll cycle runs in
// its resource's lane (sources/poll/cycle.ts cycleInLane), so a full listing and an inbox batch
// never overlap; a stage runs its feed and refreshes, each unit in its lane (sources/stage).
import { EMPTY } from 'rxjs'
import type { Feed } from '../../kafka/port'
import type { Resource } from '../../resources'
import type { CaptureContext } from '../context'
import { cycleInLane, settingsNow } from '../sources/poll/cycle'
import { planCycle } from '../sources/poll/plan'
import type { StageReport } from '../sources/report'
import { stagePipeline, type FeedFactory } from '../sources/stage/stage-source'
import type { PipelineSlot } from './coordinator'
import type { Report } from './report'
import type { Feeds, Wiring } from './wiring'

export const topLevelOf = (w: Pick<Wiring, 'chosen'>): Resource[] =>
  w.chosen.filter((r) => r.stage === undefined)
export const stagesOf = (w: Pick<Wiring, 'chosen'>): Resource[] =>
  w.chosen.filter((r) => r.stage !== undefined)

/**
 * Every feed opened through here and not ended yet is stopped with the engine. A feed leaves the
 * list once its run settles (or it was stopped before it ran): a stage pipeline opens a new one at
 * each retry, and a long run must not keep them all.
 */
export function trackFeeds(open: Feeds['open']): Feeds {
  const opened = new Set<Feed>()
  return {
    open(options) {
      const feed = open(options)
      opened.add(feed)
      let ran = false
      const ended = () => void opened.delete(feed)
      return {
        run: (handler, onCaughtUp) => {
          ran = true
          return feed.run(handler, onCaughtUp).finally(ended)
        },
        // a running feed leaves when its run settles; one stopped before it ran, now
        stop: () => feed.stop().finally(() => ran || ended()),
      }
    },
    stopAll: async () => void (await Promise.all([...opened].map((f) => f.stop()))),
  }
}

/** A stage's feed: a consumer group of its own per resource, committed with its transactions. */
export const stageFeeds =
  (w: Pick<Wiring, 'config' | 'feeds'>): FeedFactory =>
  (resource, topics, untilCaughtUp) =>
    w.feeds.open({
      groupId: `${w.config.kafka.clientId}.${w.config.topics.prefix}.${resource}`,
      topics,
      untilCaughtUp,
    })

/**
 * Whether a tick of a resource that follows webhooks has nothing to read: it is not due for a full
 * listing, and the inbox and the events endpoint carry every change meanwhile.
 */
function skippedWhileFollowing(
  ctx: Pick<CaptureContext, 'webhooks' | 'state' | 'clock' | 'settings'>,
  resource: Resource,
): boolean {
  return (
    ctx.webhooks.following(resource.name) &&
    planCycle(
      resource,
      ctx.state.cursor(resource.name),
      ctx.clock.now(),
      settingsNow(ctx, resource.name),
      false,
    ).kind === 'incremental'
  )
}

/**
 * One poll cycle per tick, in the resource's lane. Followed by webhooks, a tick that is not due
 * for a full listing reads nothing: it is skipped before the cycle prepares (no request, no
 * event) and outside the lane, so a skipped tick never waits for an inbox batch. The resource is
 * polled again as soon as the gap fill finds the subscription gone (sources/webhook).
 */
export function pollSlots(w: Wiring, force: boolean): PipelineSlot<Report>[] {
  return topLevelOf(w).map((resource) => ({
    resource,
    intervalMs: w.ctx.settings[resource.name].pollMs,
    cycle: () =>
      !force && skippedWhileFollowing(w.ctx, resource) ? EMPTY : cycleInLane(w.ctx, resource, force),
  }))
}

/** run: each stage's feed for as long as the service runs, and its refresh whenever due. */
export function stageSlots(w: Wiring): PipelineSlot<StageReport>[] {
  return stagesOf(w).map((resource) => ({
    resource,
    intervalMs: w.ctx.settings[resource.name].refreshMs,
    cycle: () => stagePipeline(w.ctx, resource, w.scheduler, stageFeeds(w)),
  }))
}
