// One process's connection to the memory broker: the CaptureKafka port over a broker that outlives
// it, as a restarted process reaches the same cluster again. A client can be killed, as SIGKILL
// kills a process: from then on nothing it does reaches the broker, and the broker keeps what it
// was given. Its open transactions stay open until a new writer registers the same transactional
// id (which aborts them), and its consumed offsets stay uncommitted.
//
// Killed, every call through the client never settles: whatever awaited it (a catch, a finally, a
// retry) never runs, as nothing runs in a dead process. Rejecting instead would hand control back
// to capture, whose catch blocks may go on to abort, close or publish; an error that nothing can
// swallow does not exist in JavaScript. The only code still running is what the kill interrupted
// synchronously: the broker refuses it too (ProcessKilled, thrown at once), so a sink's abort in
// its catch block never reaches the coordinator.
import type { CaptureKafka, EventSink } from '../../capture/ports'
import { transactionalIdFor } from '../../capture/context'
import type { Feed, FeedBatch, TransactionalSink } from '../port'
import { createMemoryAdmin } from './admin'
import type { MemoryBroker } from './broker'
import { createMemoryDurableWriter } from './durable-writer'
import type { Faults } from './faults'
import { createMemoryFeed, FEED_BATCH_BYTES } from './feed'
import { createMemorySink } from './sink'
import { createMemoryStateStore } from './state-store'

/** What a killed process's code meets when it still runs: the broker no longer answers it. */
export class ProcessKilled extends Error {}

export interface MemoryClientOptions {
  /** the most one feed batch of one partition holds (kafkajs: 1 MiB) */
  feedBatchBytes?: number
  /** how long a settling read waits for an open transaction (StateStore.readAfter) */
  readAfterWaitMs?: number
}

export interface MemoryClient extends CaptureKafka {
  /** The process dies: every call through this client from now on never settles. */
  kill(): void
  readonly killed: boolean
  /** Feeds opened and not stopped (a test checks that an engine stopped what it started). */
  running(): number
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined)

/** `target` whose every method first asks `alive` (which throws once the process is dead). */
function gated<T extends object>(target: T, alive: () => void): T {
  return new Proxy(target, {
    get(t, property) {
      const value: unknown = Reflect.get(t, property)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        alive()
        return (value as (...a: unknown[]) => unknown).apply(t, args)
      }
    },
  })
}

/** Every method of `port` held once the process is dead: called then, or settling then, never settles. */
function held<T extends object>(port: T, dead: () => boolean): T {
  return new Proxy(port, {
    get(t, property) {
      const value: unknown = Reflect.get(t, property)
      if (typeof value !== 'function') return value
      return (...args: unknown[]): unknown => {
        if (dead()) return never()
        let result: unknown
        try {
          result = (value as (...a: unknown[]) => unknown).apply(t, args)
        } catch (error) {
          if (dead()) return never()
          throw error
        }
        if (!(result instanceof Promise)) return result
        return result.then(
          (v: unknown) => (dead() ? never() : v),
          (error: unknown) => (dead() ? never() : Promise.reject(error as Error)),
        )
      }
    },
  })
}

export function createMemoryClient(
  shared: MemoryBroker,
  faults: Faults,
  options: MemoryClientOptions = {},
): MemoryClient {
  let killed = false
  const dead = () => killed
  const broker = gated(shared, () => {
    if (killed) throw new ProcessKilled('the process was killed')
  })
  const feeds = new Set<Feed>()

  function events({ prefix, batchBudget }: Parameters<CaptureKafka['events']>[0]): EventSink {
    const sinks = new Map<string, TransactionalSink>()
    const sinkFor = (resource: string) => {
      let sink = sinks.get(resource)
      if (sink === undefined) {
        const transactionalId = transactionalIdFor(prefix, resource)
        sink = createMemorySink(broker, { transactionalId, resource, batchBudget, faults })
        sinks.set(resource, sink)
      }
      return sink
    }
    return held<EventSink>(
      {
        publish: (resource, records, consumed) => sinkFor(resource).publish(records, consumed),
        open: (resource) => sinkFor(resource).open(),
        close: async () => void (await Promise.allSettled([...sinks.values()].map((s) => s.close()))),
      },
      dead,
    )
  }

  function feed(feedOptions: Parameters<CaptureKafka['feeds']>[0]): Feed {
    const inner = createMemoryFeed(broker, feedOptions, options.feedBatchBytes ?? FEED_BATCH_BYTES)
    // a dead process is handed no further batch, nor told that it caught up
    const alive =
      (handler: (batch: FeedBatch) => Promise<void>) =>
      (batch: FeedBatch): Promise<void> =>
        killed ? never() : handler(batch)
    const tracked: Feed = held<Feed>(
      {
        run: (handler, onCaughtUp) =>
          inner
            .run(alive(handler), () => {
              if (!killed) onCaughtUp?.()
            })
            .finally(() => feeds.delete(tracked)),
        stop: () => inner.stop().finally(() => feeds.delete(tracked)),
      },
      dead,
    )
    feeds.add(tracked)
    return tracked
  }

  const lifecycle = held<Pick<CaptureKafka, 'fence' | 'close'>>(
    {
      fence(transactionalIds) {
        for (const id of transactionalIds) broker.register(id)
        return Promise.resolve()
      },
      close: () => Promise.resolve(),
    },
    dead,
  )

  return {
    admin: held(createMemoryAdmin(broker), dead),
    events,
    state: ({ stateTopic }) =>
      held(createMemoryStateStore(broker, { stateTopic, waitMs: options.readAfterWaitMs }), dead),
    feeds: feed,
    durableWriter: ({ batchBudget }) =>
      held(createMemoryDurableWriter(broker, faults, { batchBudget }), dead),
    fence: lifecycle.fence,
    close: lifecycle.close,
    kill() {
      killed = true
    },
    get killed() {
      return killed
    },
    running: () => feeds.size,
  }
}
