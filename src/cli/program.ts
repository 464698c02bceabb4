// The personio-kafka command tree. Commander prints a usage mistake as one line plus a hint;
// cli.ts turns it into exit code 2. Numbers and resource names are parsed by src/cli/arguments.ts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command, Help, type Option } from 'commander'
import { configHelp } from '../config'
import { exitCodes } from './exit-codes'
import { registerDoctor } from './doctor'
import { registerDemo } from './demo'
import { registerSchemas } from './schemas'
import { registerSimulate } from './simulate'
import { registerRun } from './run'
import { registerSnapshot } from './snapshot'
import { registerStateCommands } from './state-commands'
import { registerDeletes } from './deletes'
import { registerStatus } from './status'
import { registerSync } from './sync'
import { registerWebhooks } from './webhooks'

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}

const exitCodeHelp = Object.values(exitCodes)
  .map((c) => `  ${String(c.code).padEnd(4)}${c.meaning}`)
  .join('\n')

export function buildProgram(): Command {
  const program = new Command()
    .name('personio-kafka')
    .description('Change data capture from the Personio HR API into Kafka (Avro, schema registry).')
    .version(version(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureHelp({
      showGlobalOptions: true,
      // commander quotes string defaults ("127.0.0.1"); a person reads them better bare
      optionDescription(this: Help, option: Option) {
        return Help.prototype.optionDescription
          .call(this, option)
          .replace(/\(default: "([^"]*)"\)/, '(default: $1)')
      },
    })
  registerRun(program)
  registerSync(program)
  registerSnapshot(program)
  registerSchemas(program)
  registerDoctor(program)
  registerSimulate(program)
  registerStatus(program)
  registerStateCommands(program)
  registerDeletes(program)
  registerDemo(program)
  registerWebhooks(program)
  program.addHelpText(
    'after',
    `
Examples:
  $ personio-kafka demo                         the whole flow on this machine, no Personio account needed
  $ personio-kafka doctor                       check credentials, Kafka and the registry
  $ personio-kafka run                          capture changes until stopped
  $ personio-kafka sync --once                  one cycle of every resource, then exit
  $ personio-kafka snapshot --resources employees
  $ personio-kafka schemas check                check the contract against the registry
  $ personio-kafka deletes list                 waves of deletes waiting for a person (approve|reject)
  $ personio-kafka webhooks register            subscribe WEBHOOK_PUBLIC_URL to Personio's change events
  $ personio-kafka <command> --help             help and examples for one command

Configuration comes from environment variables (or a JSON file given with --config):
${configHelp()}

Exit codes:
${exitCodeHelp}`,
  )
  throwInsteadOfExit(program.commands)
  return program
}

/** Sub-commands throw instead of exiting too, so cli.ts owns every exit code. */
function throwInsteadOfExit(commands: readonly Command[]): void {
  for (const command of commands) {
    command.exitOverride().showHelpAfterError('(run with --help for usage)')
    throwInsteadOfExit(command.commands)
  }
}
