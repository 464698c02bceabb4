// The service: every slot under one coordinator until stopped — the poll cycles, the stages, and
// the resources that follow webhooks (decided before the slots are built: a covered resource polls
// only to reconcile). Stopping ends Personio reads at once, lets the units in flight finish, and
// starts nothing new; what was not committed is read again by the next run.
import type { Subscription } from 'rxjs'
import { coordinate, type PipelineEvent } from './coordinator'
import { coordinatorOptions, noteError } from './one-shots'
import type { Report } from './report'
import { pollSlots, stageSlots } from './slots'
import { webhooksConfigured } from './start-up'
import { startWebhooks, type Held } from './webhooks'
import type { Wiring } from './wiring'

export interface Service {
  run(onEvent: (event: PipelineEvent<Report>) => void): Promise<void>
  stop(): Promise<void>
  /** resources with a unit in their lane or a transaction in flight: what a stop waits for */
  busy(): string[]
  close(): Promise<void>
}

export function service(w: Wiring): Service {
  const held: Held = {}
  let running: Subscription | undefined
  let stopRun: () => void = () => undefined
  /** every unit in a lane and every transaction ended */
  const drained = () => Promise.all([w.ctx.lanes.drained(), w.transactions.drained()])
  const halt = async () => {
    w.stopping.abort()
    running?.unsubscribe()
    // deliveries from now on are answered 5xx by nobody: Personio retries them, or the events
    // endpoint has them for the next run
    await held.receiver?.close().catch(() => undefined)
  }
  return {
    run(onEvent) {
      return new Promise<void>((resolve, reject) => {
        stopRun = resolve
        const start = async () => {
          const followed = webhooksConfigured(w.config) ? await startWebhooks(w, held) : []
          if (w.stopping.signal.aborted) return resolve()
          const all = [...pollSlots(w, false), ...stageSlots(w), ...followed]
          running = coordinate<Report>(all, coordinatorOptions(w)).subscribe({
            next: (event) => {
              if (event.kind !== 'cycle') void noteError(w, event.resource, event.error)
              onEvent(event)
            },
            error: reject,
            complete: resolve,
          })
        }
        start().catch(reject)
      })
    },
    async stop() {
      await halt()
      await w.feeds.stopAll()
      await drained()
      stopRun()
    },
    busy: () => [...new Set([...w.transactions.busy(), ...w.ctx.lanes.busy()])],
    async close() {
      await halt()
      await drained()
      // in order (the producers before the client they use), each one even when one before it
      // failed: a failed close must not leave the inbox writer or the Kafka client open
      const failures: unknown[] = []
      await w.ctx.events.close().catch((error: unknown) => void failures.push(error))
      await held.writer?.close().catch(() => undefined)
      if (w.ownsKafka) await w.kafka.close().catch((error: unknown) => void failures.push(error))
      if (failures.length > 0) throw failures[0]
    },
  }
}
