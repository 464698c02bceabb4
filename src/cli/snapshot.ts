// `personio-kafka snapshot`: every selected resource re-read in full and published as snapshot
// reads (`r`), deletes found on the way; balances and report rows refreshed for every parent.
import type { Command } from 'commander'
import {
  captureOptions,
  firstFailure,
  interruptible,
  openCapture,
  printSummary,
  type CaptureFlags,
} from './capture-run'

export function registerSnapshot(program: Command): void {
  captureOptions(
    program
      .command('snapshot')
      .description('re-read every resource in full and publish it (op r), then exit'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  personio-kafka snapshot\n  personio-kafka snapshot --resources employees\n  personio-kafka snapshot --simulator 50   # demo data',
    )
    .action(async (flags: CaptureFlags) => {
      const started = Date.now()
      interruptible('snapshot')
      const capture = await openCapture(flags)
      try {
        const events = await capture.engine.snapshot()
        console.log(`Snapshot of ${capture.source} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
        printSummary(events, (l) => console.log(l))
        const failure = firstFailure(events)
        if (failure !== undefined) throw failure
      } finally {
        await capture.close()
      }
    })
}
