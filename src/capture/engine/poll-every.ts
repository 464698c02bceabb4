// A resource's schedule: a cycle now, then one every `intervalMs`; a cycle still running when the
// next tick comes swallows that tick (exhaustMap), so cycles of one resource never overlap and a
// slow Personio or Kafka stretches the schedule instead of queueing cycles behind it.
import { exhaustMap, timer, type Observable, type SchedulerLike } from 'rxjs'

export function pollEvery<T>(
  intervalMs: number,
  scheduler: SchedulerLike,
  cycle: () => Observable<T>,
): Observable<T> {
  return timer(0, intervalMs, scheduler).pipe(exhaustMap(() => cycle()))
}
