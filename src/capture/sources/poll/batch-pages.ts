// Pulls pages from an async source while the previous batch is being published, and hands them on
// together: one batch in flight, the next one filling behind it, bounded by `maxItems` so a slow
// Kafka slows the reads instead of letting them pile up. When Kafka keeps up, each page is its own
// batch; when Personio answers faster than Kafka commits, one transaction carries several pages.
import { Observable, type ObservableInput, from } from 'rxjs'

export function batchPages<P, R>(
  source: AsyncIterable<P>,
  sizeOf: (page: P) => number,
  maxItems: number,
  publishBatch: (pages: P[]) => ObservableInput<R>,
): Observable<R> {
  return new Observable<R>((subscriber) => {
    const iterator = source[Symbol.asyncIterator]()
    const buffer: P[] = []
    let buffered = 0
    let reading = true
    let busy = false
    let closed = false
    let wake: (() => void) | undefined

    const drain = (): void => {
      if (closed || busy) return
      if (buffer.length === 0) {
        if (!reading) subscriber.complete()
        return
      }
      busy = true
      const batch = buffer.splice(0)
      buffered = 0
      wake?.()
      from(publishBatch(batch)).subscribe({
        next: (r) => subscriber.next(r),
        error: (e: unknown) => fail(e),
        complete: () => {
          busy = false
          drain()
        },
      })
    }
    const fail = (error: unknown): void => {
      if (closed) return
      closed = true
      subscriber.error(error)
    }

    void (async () => {
      try {
        for (;;) {
          // Back-pressure: read ahead only while the waiting batch is below its bound.
          while (busy && buffered >= maxItems && !closed) await new Promise<void>((r) => (wake = r))
          if (closed) return
          const step = await iterator.next()
          if (closed) return
          if (step.done === true) break
          buffer.push(step.value)
          buffered += sizeOf(step.value)
          drain()
        }
        reading = false
        drain()
      } catch (error) {
        fail(error)
      }
    })()

    return () => {
      closed = true
      wake?.()
      void iterator.return?.(undefined)
    }
  })
}
