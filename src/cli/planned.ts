// Commands that read or write the capture engine's state topic, wired here with their help text;
// their behaviour lands with the capture engine (issue 8), which replaces these actions.
import type { Command } from 'commander'
import { resourceName } from './arguments'

const notYet =
  (name: string) =>
  (...args: unknown[]): never =>
    (args[args.length - 1] as Command).error(
      `error: \`${name}\` comes with the capture engine (state topic), which this build does not have yet`,
      { exitCode: 2, code: 'personio-kafka.notYet' },
    )

export function registerPlanned(program: Command): void {
  program
    .command('status')
    .description('per resource: cursor, last success, lag, known keys, last error (from the state topic)')
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      '\nExamples:\n  $ personio-kafka status\n  $ personio-kafka status --json | jq .employees',
    )
    .action(notYet('status'))
  program
    .command('reset')
    .argument('<resource>', 'one resource, e.g. employees', resourceName)
    .description("forget one resource's cursor: the next run reads it from the beginning (others untouched)")
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .addHelpText('after', '\nExamples:\n  $ personio-kafka reset absences')
    .action(notYet('reset'))
  program
    .command('resnapshot')
    .argument('<resource>', 'one resource, e.g. employees', resourceName)
    .description(
      'publish a fresh snapshot of one resource on the next run, deletes included (others untouched)',
    )
    .option('--config <file>', 'JSON config file (environment variables override it)')
    .addHelpText('after', '\nExamples:\n  $ personio-kafka resnapshot employees')
    .action(notYet('resnapshot'))
  program
    .command('demo')
    .description(
      'the whole flow on this machine, no Personio account: simulator, local Kafka and registry, producer, live table of events',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ personio-kafka demo\n  $ npx personio-kafka demo   (from a checkout)',
    )
    .action(notYet('demo'))
}
