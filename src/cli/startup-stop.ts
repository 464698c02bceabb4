// SIGTERM or Ctrl-C while `run` starts. It may wait out an outage for up to 2 minutes before
// anything is created; without a handler, Node's default one would kill it (exit 143) where the
// README promises a stop that exits 0. Nothing is published before capture runs, so there is
// nothing to finish: one line, exit 0 at once, as a stop with nothing in flight says it.
import type { Logger } from '../ops/logger'
import { exitCodes } from './exit-codes'

/** Until the returned function is called, a signal ends the process with exit 0. */
export function exitOnSignalWhileStarting(logger: Logger): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info(
      { signal, waitingFor: [] },
      `stopping (${signal === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C'}) during start-up: nothing was published yet`,
    )
    // the log line is written synchronously (pino to stderr): nothing is lost by exiting now
    process.exit(exitCodes.ok.code)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return () => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
