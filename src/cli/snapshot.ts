// `personio-kafka snapshot`: every selected resource re-read in full and published as snapshot
// reads (`r`), deletes found on the way; balances and report rows refreshed for every parent.
import type { Command } from 'commander'
import { captureOptions, runOnce, type CaptureFlags } from './capture-run'

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
      await runOnce(flags, 'Snapshot', (engine) => engine.snapshot())
    })
}
