// `personio-kafka run`: the service. Polls every resource on its interval until SIGTERM/SIGINT,
// then lets the transaction in flight finish (or abort) and exits 0 within seconds. A resource
// stopped on an error retrying cannot heal fails /readyz; once no resource can run, the process
// exits with that error's code, so an orchestrator sees it instead of a healthy-looking idle pod.
import type { Command } from 'commander'
import { FencedError, PkError } from '../errors'
import type { ResourceName } from '../resources'
import { anyCanRun } from '../capture/engine/outcome'
import { captureOptions, openCapture, type CaptureFlags } from './capture-run'
import { exitClassOf, exitCodes } from './exit-codes'
import { gracefulStop } from './graceful-stop'
import { loadConfig } from './load-config'
import { runWorker } from './worker-run'

export { anyCanRun } from '../capture/engine/outcome'

export function registerRun(program: Command): void {
  captureOptions(
    program.command('run').description('capture changes continuously until stopped (SIGTERM/SIGINT)'),
  )
    .addHelpText(
      'after',
      "\nWith COMPANIES_DIR set, this process is one worker of a group serving every company in the directory\n(any number of identical workers share them through Kafka's group protocol; see docs/scale.md).\n\nExamples:\n  personio-kafka run\n  COMPANIES_DIR=/etc/personio-kafka/companies personio-kafka run\n  POLL_INTERVAL_MS=30000 personio-kafka run --resources employees,absences\n  personio-kafka run --simulator 100   # demo data",
    )
    .action(async (flags: CaptureFlags) => {
      // with COMPANIES_DIR this process is one worker of a group serving many companies
      const config = loadConfig({ file: flags.config })
      if (config.workers.companiesDir !== undefined) return runWorker(flags, config)
      const capture = await openCapture(flags, true)
      const { engine, logger } = capture
      const stop = gracefulStop(engine, logger)
      logger.info(
        { resources: engine.selected.map((r) => r.name), source: capture.source },
        'capture running',
      )
      const stopped = new Map<ResourceName, unknown>()
      let fenced: FencedError | undefined
      let fatal: unknown
      try {
        await engine.run((event) => {
          if (event.kind === 'cycle') return
          if (event.kind === 'failed') {
            // the retries already said why at warn: the outcome is one more line only at debug
            logger.debug(
              { resource: event.resource },
              `${event.resource}: cycle failed, tried again on its next interval: ${(event.error as Error)?.message ?? String(event.error)}`,
            )
            return
          }
          const e = event.error
          stopped.set(event.resource, e)
          logger.error(
            { resource: event.resource, code: e instanceof PkError ? e.code : 'INTERNAL' },
            `${event.resource} stopped: ${(e as Error)?.message ?? String(e)}`,
          )
          // Another instance runs this configuration now: every resource of this one must stop.
          if (e instanceof FencedError && fenced === undefined) {
            fenced = e
            stop.request('another instance took over')
            return
          }
          if (!anyCanRun(engine.selected, new Set(stopped.keys())) && fatal === undefined) {
            fatal = e
            process.exitCode =
              e instanceof PkError ? exitCodes[exitClassOf(e.code)].code : exitCodes.internal.code
            logger.error(
              { stopped: [...stopped.keys()] },
              'no resource can run any more: exiting (fix the cause above, then start again; capture resumes where it stopped)',
            )
            stop.request('no resource can run')
          }
        })
      } finally {
        stop.dispose()
        await capture.close()
      }
      logger.info('stopped')
      if (fenced !== undefined) throw fenced
      if (fatal === undefined && stopped.size > 0 && !stop.requested)
        process.exitCode = exitCodes.internal.code
      // kafkajs may keep a socket open a little after disconnecting: the service has ended
      setTimeout(() => process.exit(process.exitCode ?? exitCodes.ok.code), 1_000).unref()
    })
}
