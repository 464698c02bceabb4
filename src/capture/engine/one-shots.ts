// The one-shot commands: `sync --once` (one cycle of every selected resource, then the stages
// caught up with what it published) and `snapshot` (every resource re-read in full). A failure is
// noted in the resource's cursor for `status`, as the service notes it.
import { lastValueFrom, toArray } from 'rxjs'
import { crashPoint } from '../../ops/crash-points'
import type { ResourceName } from '../../resources'
import { stageRefreshOnce, stageSyncOnce } from '../sources/stage/stage-source'
import { once, type CoordinatorOptions, type PipelineEvent } from './coordinator'
import { recordLastError } from './last-error'
import type { Report } from './report'
import { defaultCycleRetry } from './retry-backoff'
import { pollSlots, stageFeeds, stagesOf } from './slots'
import type { Wiring } from './wiring'

export function coordinatorOptions(w: Pick<Wiring, 'scheduler' | 'retry' | 'logger'>): CoordinatorOptions {
  return {
    scheduler: w.scheduler,
    retry: w.retry ?? defaultCycleRetry,
    onRetry: (resource, error, n, waitMs) =>
      w.logger.warn({ resource, retry: n, waitMs }, `cycle failed, retrying: ${(error as Error).message}`),
  }
}

/** The failure in the resource's cursor, for `status`; never fails the run itself. */
export async function noteError(w: Pick<Wiring, 'ctx' | 'logger'>, resource: ResourceName, error: unknown) {
  await recordLastError(w.ctx, resource, error).catch((failure: unknown) =>
    w.logger.debug(
      { resource, error: (failure as Error).message },
      'last error not written to the state topic',
    ),
  )
}

async function stagesOnce(w: Wiring, fullRefresh: boolean): Promise<PipelineEvent<Report>[]> {
  const out: PipelineEvent<Report>[] = []
  for (const [i, resource] of stagesOf(w).entries()) {
    if (i > 0) crashPoint('between-stages')
    try {
      const report = fullRefresh
        ? await stageRefreshOnce(w.ctx, resource)
        : await stageSyncOnce(w.ctx, resource, stageFeeds(w))
      out.push({ kind: 'cycle', resource: resource.name, report })
    } catch (error) {
      out.push({ kind: 'stopped', resource: resource.name, error })
    }
  }
  return out
}

/**
 * One cycle of every top-level resource (every one re-read in full when `full`), then the stages.
 * One-shot commands retry a failed cycle once, briefly: the Personio client and the sink already
 * retried inside it, and a person (or cron) is waiting for the answer.
 */
export async function oneShot(w: Wiring, full: boolean): Promise<PipelineEvent<Report>[]> {
  const options = {
    ...coordinatorOptions(w),
    retry: w.retry ?? { retries: 1, initialMs: 1_000, maxMs: 1_000, factor: 1 },
  }
  const cycles = await lastValueFrom(once(pollSlots(w, full), options).pipe(toArray()))
  const events = [...cycles, ...(await stagesOnce(w, full))]
  for (const e of events) if (e.kind !== 'cycle') await noteError(w, e.resource, e.error)
  return events
}
