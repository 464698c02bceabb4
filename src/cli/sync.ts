// `personio-kafka sync --once`: one cycle of every selected resource, its stages caught up, exit.
// For cron, orchestrators and tests; the same cursors as `run`, so the two can take turns.
import type { Command } from 'commander'
import { ConfigError } from '../errors'
import {
  captureOptions,
  firstFailure,
  interruptible,
  openCapture,
  printSummary,
  type CaptureFlags,
} from './capture-run'

export function registerSync(program: Command): void {
  captureOptions(
    program
      .command('sync')
      .description('run one capture cycle of every resource (changes since the last cycle), then exit')
      .option('--once', 'one cycle, then exit (the only mode; `run` is the service)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  personio-kafka sync --once\n  personio-kafka sync --once --resources employees,absences\n  personio-kafka sync --once --simulator 200   # demo data',
    )
    .action(async (flags: CaptureFlags & { once?: boolean }) => {
      if (flags.once !== true)
        throw new ConfigError(['sync needs --once (for the long-running service use `personio-kafka run`)'])
      const started = Date.now()
      interruptible('sync')
      const capture = await openCapture(flags)
      try {
        const events = await capture.engine.syncOnce()
        console.log(`Sync of ${capture.source} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        printSummary(events, (l) => console.log(l))
        const failure = firstFailure(events)
        if (failure !== undefined) throw failure
      } finally {
        await capture.close()
      }
    })
}
