#!/usr/bin/env node
// The command line: each command lives in src/cli/<command>.ts; this file only wires them and
// turns errors into a message and an exit code (no stack traces for errors we explain).
import { Command } from 'commander'
import { PkError } from './errors'
import { registerSimulate } from './cli/simulate'
import { registerRun } from './cli/run'
import { registerSnapshot } from './cli/snapshot'
import { registerSync } from './cli/sync'
import { configTable } from './config'

const program = new Command()
  .name('personio-kafka')
  .description('Change data capture from the Personio HR API into Kafka')
  .addHelpText('after', `\nEnvironment:\n${configTable()}`)
registerSimulate(program)
registerRun(program)
registerSync(program)
registerSnapshot(program)

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof PkError) console.error(`${error.code}: ${error.message}`)
  else console.error(error)
  process.exit(1)
})
