// Which engine a fact belongs to, without handing an id down to every layer. More than one engine
// may run in one process (one per company), and the ~two dozen places that publish on the
// diagnostics channels or log a line sit deep in capture/, personio/ and kafka/. So an engine runs
// everything it starts inside `inEngine(id, fn)`, and `publish` and the logger read the id from
// here. AsyncLocalStorage follows the async context: awaits, promise callbacks, timers (rxjs's
// asyncScheduler is setInterval underneath), sockets and the streams a scope opens all keep it.
// What it cannot follow is a value handed across scopes by hand: a Subject fed from outside the
// engine delivers in the feeder's scope, so such a bridge enters the engine's scope itself.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { SchedulerAction, SchedulerLike } from 'rxjs'

/**
 * The engine of a process that runs one (every single-company deployment). Its metrics and log
 * lines carry no engine label, so they read exactly as before engines had names.
 */
export const DEFAULT_ENGINE = 'default'

const scope = new AsyncLocalStorage<string>()

/** Runs `fn`, and everything it starts asynchronously, as part of engine `id`. */
export function inEngine<T>(id: string, fn: () => T): T {
  if (id.length === 0) throw new Error('an engine id must not be empty')
  return scope.run(id, fn)
}

/** The engine the caller runs in; DEFAULT_ENGINE outside any `inEngine`. */
export function currentEngine(): string {
  return scope.getStore() ?? DEFAULT_ENGINE
}

/**
 * `scheduler`, its work run as part of engine `id` wherever the scheduler is driven from: a
 * virtual-time scheduler is flushed by its test, outside any engine, and one scheduler may serve
 * several engines. Recursive actions (interval) keep the scope, since they reschedule this work.
 */
export function engineScheduler(id: string, scheduler: SchedulerLike): SchedulerLike {
  return {
    now: () => scheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T) {
      return scheduler.schedule<T>(
        function (this: SchedulerAction<T>, s?: T) {
          inEngine(id, () => work.call(this, s))
        },
        delay,
        state,
      )
    },
  }
}

/** The engine a channel message belongs to: its `engine`, or the default one's when it has none. */
export function engineOf(message: { engine?: string }): string {
  return message.engine ?? DEFAULT_ENGINE
}

/**
 * The engine as a label, for messages, metrics and log lines: none for the default engine (one
 * company per process reads as it always did), `{ engine }` for a named one.
 */
export function engineLabel(engine: string | undefined): { engine?: string } {
  return engine === undefined || engine === DEFAULT_ENGINE ? {} : { engine }
}

/**
 * The engine as metrics and log lines name it: engines are companies (issue #28), so the label is
 * `company`; none for the default engine, so a single-company deployment reads as it always did.
 */
export function companyLabel(engine: string | undefined): { company?: string } {
  return engine === undefined || engine === DEFAULT_ENGINE ? {} : { company: engine }
}
