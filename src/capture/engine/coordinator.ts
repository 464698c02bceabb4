// The one coordinator (Debezium's ChangeEventSourceCoordinator): for every enabled resource one
// pipeline — its schedule, its cycle, retries with back-off — all merged under one subscription,
// so shutdown is one unsubscribe. It reads only the declarations' slots (detect, stage) and the
// settings; it never asks a resource's name. The scheduler is injected: tests run it in virtual time.
import { catchError, defer, EMPTY, map, merge, of, tap, type Observable, type SchedulerLike } from 'rxjs'
import { isRetriable, PkError } from '../../errors'
import type { Resource, ResourceName } from '../../resources'
import { pollEvery } from './poll-every'
import { retryBackoff, type CycleRetryPolicy } from './retry-backoff'
import { publish } from '../../ops/channels'

/** What a pipeline reports: a finished cycle, a cycle given up (retried later), or a stopped resource. */
export type PipelineEvent<R> =
  | { kind: 'cycle'; resource: ResourceName; report: R }
  | { kind: 'failed'; resource: ResourceName; error: unknown }
  | { kind: 'stopped'; resource: ResourceName; error: unknown }

export interface PipelineSlot<R> {
  resource: Resource
  intervalMs: number
  /** one cycle; a fresh Observable per subscription */
  cycle: () => Observable<R>
}

export interface CoordinatorOptions {
  scheduler: SchedulerLike
  retry: CycleRetryPolicy
  onRetry?: (resource: ResourceName, error: unknown, n: number, waitMs: number) => void
}

function errorInfo(error: unknown): { code: string; message: string } {
  return error instanceof PkError
    ? { code: error.code, message: error.message }
    : { code: 'INTERNAL', message: (error as Error)?.message ?? String(error) }
}

/** One attempt at a cycle with its retries; a retriable failure that outlasts them waits for the next tick. */
export function attempt<R>(slot: PipelineSlot<R>, options: CoordinatorOptions): Observable<PipelineEvent<R>> {
  const resource = slot.resource.name
  return defer(() => slot.cycle()).pipe(
    retryBackoff<R>(options.retry, options.scheduler, (e, n, wait) =>
      options.onRetry?.(resource, e, n, wait),
    ),
    map((report): PipelineEvent<R> => ({ kind: 'cycle', resource, report })),
    catchError((error: unknown) => {
      if (!isRetriable(error)) throw error
      return of<PipelineEvent<R>>({ kind: 'failed', resource, error })
    }),
  )
}

/** A resource polled forever; a non-retriable error stops this resource only, with one event. */
export function resourcePipeline<R>(
  slot: PipelineSlot<R>,
  options: CoordinatorOptions,
): Observable<PipelineEvent<R>> {
  return pollEvery(slot.intervalMs, options.scheduler, () => attempt(slot, options)).pipe(
    tap((event) => {
      if (event.kind === 'failed')
        publish('personio-kafka:capture:cycle', {
          resource: event.resource,
          cycleId: '-',
          kind: 'incremental',
          phase: 'error',
          error: errorInfo(event.error),
        })
    }),
    catchError((error: unknown) =>
      of<PipelineEvent<R>>({ kind: 'stopped', resource: slot.resource.name, error }),
    ),
    tap((event) => publishHealth(event, options.scheduler.now())),
  )
}

/** What /readyz and the metrics learn of a resource from each of its pipeline's events. */
function publishHealth<R>(event: PipelineEvent<R>, now: number): void {
  publish('personio-kafka:capture:health', {
    resource: event.resource,
    running: event.kind !== 'stopped',
    ...(event.kind === 'cycle' ? {} : { error: { ...errorInfo(event.error), atMs: now } }),
  })
}

/** Every pipeline merged: the service. Completes only when every resource stopped. */
export function coordinate<R>(
  slots: readonly PipelineSlot<R>[],
  options: CoordinatorOptions,
): Observable<PipelineEvent<R>> {
  return slots.length === 0 ? EMPTY : merge(...slots.map((s) => resourcePipeline(s, options)))
}

/** One cycle of every resource, concurrently (sync --once): each ends with its cycle or its error. */
export function once<R>(
  slots: readonly PipelineSlot<R>[],
  options: CoordinatorOptions,
): Observable<PipelineEvent<R>> {
  return merge(
    ...slots.map((s) =>
      attempt(s, options).pipe(
        catchError((error: unknown) =>
          of<PipelineEvent<R>>({ kind: 'stopped', resource: s.resource.name, error }),
        ),
      ),
    ),
  )
}
