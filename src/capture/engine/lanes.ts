// One lane per resource (issue #27): a unit of work — a whole listing, an inbox batch, a stage's
// feed batch or refresh — runs alone in its resource's lane, whichever source it came from, and
// the next one starts when it has ended. A full listing and an inbox batch are serialised here, by
// waiting their turn, instead of by flags polled on a timer. Lanes of different resources run side
// by side.
import { Observable } from 'rxjs'

export interface Lanes {
  /** Runs `unit` once every unit queued before it in the resource's lane has ended. */
  run<T>(resource: string, unit: () => Promise<T>): Promise<T>
  /**
   * The same for an Observable: subscribed once the lane is free; the lane is free again when it
   * completes, fails or is unsubscribed (a unit unsubscribed while it waits never runs).
   */
  observe<T>(resource: string, unit: () => Observable<T>): Observable<T>
  /** Whether a unit runs or waits in the resource's lane now. */
  occupied(resource: string): boolean
  /** resources with a unit running or waiting: what a stop waits for */
  busy(): string[]
  /** settles once every unit queued so far has ended */
  drained(): Promise<void>
}

interface Turn {
  /** settles when the units queued before this one have ended */
  ready: Promise<void>
  release(): void
}

export function createLanes(): Lanes {
  const tails = new Map<string, Promise<void>>()
  const queued = new Map<string, number>()

  function enter(resource: string): Turn {
    let open!: () => void
    const ended = new Promise<void>((resolve) => (open = resolve))
    const ready = tails.get(resource) ?? Promise.resolve()
    const tail = ready.then(() => ended)
    tails.set(resource, tail)
    queued.set(resource, (queued.get(resource) ?? 0) + 1)
    let released = false
    return {
      ready,
      release() {
        if (released) return
        released = true
        open()
        const left = (queued.get(resource) ?? 1) - 1
        if (left > 0) return void queued.set(resource, left)
        queued.delete(resource)
        if (tails.get(resource) === tail) tails.delete(resource)
      },
    }
  }

  return {
    run(resource, unit) {
      const turn = enter(resource)
      return turn.ready.then(unit).finally(() => turn.release())
    },
    observe(resource, unit) {
      return new Observable((subscriber) => {
        const turn = enter(resource)
        let closed = false
        let inner: { unsubscribe(): void } | undefined
        void turn.ready.then(() => {
          if (closed) return
          try {
            inner = unit().subscribe(subscriber)
          } catch (error) {
            subscriber.error(error)
          }
        })
        return () => {
          closed = true
          inner?.unsubscribe()
          turn.release()
        }
      })
    },
    occupied: (resource) => queued.has(resource),
    busy: () => [...queued.keys()],
    async drained() {
      await Promise.all([...tails.values()])
    },
  }
}
