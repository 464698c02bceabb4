// `personio-kafka run`: the service. Polls every resource on its interval until SIGTERM/SIGINT,
// then lets the transaction in flight finish (or abort) and exits 0.
import type { Command } from 'commander'
import { FencedError, PkError } from '../errors'
import { captureOptions, openCapture, type CaptureFlags } from './capture-run'

export function registerRun(program: Command): void {
  captureOptions(
    program.command('run').description('capture changes continuously until stopped (SIGTERM/SIGINT)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  personio-kafka run\n  POLL_INTERVAL_MS=30000 personio-kafka run --resources employees,absences\n  personio-kafka run --simulator 100   # demo data',
    )
    .action(async (flags: CaptureFlags) => {
      const capture = await openCapture(flags, true)
      const { engine, logger } = capture
      let stopping = false
      const stop = (signal: string) => {
        if (stopping) return
        stopping = true
        logger.info({ signal }, 'stopping: the transaction in flight finishes, nothing new starts')
        void engine.stop()
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
      logger.info(
        { resources: engine.selected.map((r) => r.name), source: capture.source },
        'capture running',
      )
      let failed = false
      let fenced: FencedError | undefined
      try {
        await engine.run((event) => {
          if (event.kind !== 'stopped') return
          failed = true
          const e = event.error
          logger.error(
            { resource: event.resource, code: e instanceof PkError ? e.code : 'INTERNAL' },
            `${event.resource} stopped: ${(e as Error)?.message ?? String(e)}`,
          )
          // Another instance runs this configuration now: every resource of this one must stop.
          if (e instanceof FencedError && fenced === undefined) {
            fenced = e
            stopping = true
            void engine.stop()
          }
        })
      } finally {
        await capture.close()
      }
      logger.info('stopped')
      if (fenced !== undefined) throw fenced
      if (failed && !stopping) process.exitCode = 1
    })
}
