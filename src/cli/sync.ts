// `personio-kafka sync --once`: one cycle of every selected resource, its stages caught up, exit.
// For cron, orchestrators and tests; the same cursors as `run`, so the two can take turns.
import type { Command } from 'commander'
import { ConfigError } from '../errors'
import { captureOptions, runOnce, type CaptureFlags } from './capture-run'

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
      await runOnce(flags, 'Sync', (engine) => engine.syncOnce())
    })
}
