// CaptureKafka on kafkajs: what the engine takes from Kafka (src/capture/ports.ts), on one client.
// One transactional producer per resource, named by the prefix and the resource alone so a second
// instance on the same topics fences the first; the state store on the compacted state topic;
// read_committed feeds; the inbox writer, connected on first use only.
import type { Kafka } from 'kafkajs'
import { stateTopicFor, transactionalIdFor } from '../capture/context'
import type { CaptureKafka, DurableWriter, EventSink } from '../capture/ports'
import type { Logger } from '../ops/logger'
import { createDurableWriter } from './kafkajs/durable-writer'
import { createFeed } from './kafkajs/feed'
import { createStateStore } from './kafkajs/state-store'
import { createTopicAdmin } from './kafkajs/topic-admin'
import { createTransactionalSink } from './kafkajs/transactional-sink'
import type { TransactionalSink } from './port'

function resourceSinks(
  kafka: Kafka,
  options: { prefix: string; batchBudget: (topic: string) => number },
): EventSink {
  const sinks = new Map<string, TransactionalSink>()
  const sinkFor = (resource: string) => {
    let sink = sinks.get(resource)
    if (sink === undefined) {
      sink = createTransactionalSink(kafka, {
        transactionalId: transactionalIdFor(options.prefix, resource),
        batchBudget: options.batchBudget,
        knownTopic: stateTopicFor(options.prefix),
      })
      sinks.set(resource, sink)
    }
    return sink
  }
  return {
    publish: (resource, records, consumed) => sinkFor(resource).publish(records, consumed),
    open: (resource) => sinkFor(resource).open(),
    close: async () => void (await Promise.allSettled([...sinks.values()].map((s) => s.close()))),
  }
}

/**
 * Opens and closes a producer per id: fences an instance still running with it and aborts the
 * transaction a killed one left open. Best effort: a principal that may not use an id never ran
 * an instance with it.
 */
async function fenceIds(
  kafka: Kafka,
  ids: readonly string[],
  logger: Logger,
  knownTopic: string | undefined,
): Promise<void> {
  await Promise.all(
    ids.map(async (transactionalId) => {
      const sink = createTransactionalSink(kafka, {
        transactionalId,
        ...(knownTopic === undefined ? {} : { knownTopic }),
      })
      try {
        await sink.open()
      } catch (error) {
        logger.debug({ transactionalId, error: (error as Error).message }, 'old transactional id not fenced')
      } finally {
        await sink.close().catch(() => undefined)
      }
    }),
  )
}

export function createCaptureKafka(kafka: Kafka, logger: Logger): CaptureKafka {
  const admin = createTopicAdmin(kafka, { warn: (message) => logger.warn(message) })
  // closed with the whole, should a caller not have closed them itself; one it closed is let go
  // (a worker's shared client sees its companies' engines open and close for as long as it runs)
  const opened = new Set<{ close(): Promise<void> }>()
  const track = <T extends { close(): Promise<void> }>(closable: T): T => {
    const close = closable.close.bind(closable)
    const tracked = Object.assign(closable, {
      close: () => {
        opened.delete(tracked)
        return close()
      },
    })
    opened.add(tracked)
    return tracked
  }
  return {
    admin,
    events: (options) => track(resourceSinks(kafka, options)),
    state: (options) => createStateStore(kafka, options),
    feeds: (options) => createFeed(kafka, options),
    durableWriter: (options): DurableWriter => track(createDurableWriter(kafka, options)),
    fence: (ids, knownTopic) => fenceIds(kafka, ids, logger, knownTopic),
    async close() {
      await Promise.allSettled([...opened].map((o) => o.close()))
      await admin.close()
    },
  }
}
