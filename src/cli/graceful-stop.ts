// What SIGTERM and SIGINT do to a long-running command: one line that says what the stop waits
// for, the engine stopped (Personio reads end at once, the transaction in flight finishes), and a
// hard deadline below Docker's 10 s grace period. A second signal exits at once. Nothing is lost
// either way: a transaction not committed is never seen by read_committed consumers, and the next
// run reads again whatever its cursor had not passed.
import type { Logger } from '../ops/logger'
import { exitCodes } from './exit-codes'

/** Below Docker's default 10 s (`docker stop`), leaving time for the process to end. */
export const STOP_DEADLINE_MS = 8_000

export interface Stoppable {
  busy(): string[]
  stop(): Promise<void>
}

export interface GracefulStop {
  /** true once a signal (or a fatal error) asked the command to stop */
  readonly requested: boolean
  /** stops without a signal (another instance took over, nothing left to run) */
  request(reason: string): void
  dispose(): void
}

export function gracefulStop(engine: Stoppable, logger: Logger, deadlineMs = STOP_DEADLINE_MS): GracefulStop {
  let requested = false
  let signalled = false
  const begin = (reason: string, signal?: string) => {
    const started = Date.now()
    const busy = engine.busy()
    logger.info(
      { ...(signal === undefined ? {} : { signal }), waitingFor: busy },
      busy.length === 0
        ? `stopping (${reason}): nothing in flight`
        : `stopping (${reason}): waiting for the transaction in flight of ${busy.join(', ')} (at most ${deadlineMs / 1000} s); Personio reads end now, nothing new starts`,
    )
    setTimeout(() => {
      logger.warn(
        { waitingFor: engine.busy(), waitedMs: Date.now() - started },
        `stopping took longer than ${deadlineMs / 1000} s (still waiting for ${engine.busy().join(', ') || 'Kafka'}): ` +
          'exiting now; a transaction left open is never seen by read_committed consumers and is aborted when the next run starts',
      )
      process.exit(process.exitCode ?? exitCodes.ok.code)
    }, deadlineMs).unref()
    void engine.stop()
  }
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(
        `${signal} again: exiting at once; nothing half-published is visible to read_committed consumers\n`,
      )
      process.exit(process.exitCode ?? exitCodes.interrupted.code)
    }
    signalled = true
    // a stop already under way (fenced, nothing can run) goes on; the signal adds nothing
    if (requested) return
    requested = true
    begin(signal === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C', signal)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    get requested() {
      return requested
    },
    request(reason) {
      if (requested) return
      requested = true
      begin(reason)
    },
    dispose() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
