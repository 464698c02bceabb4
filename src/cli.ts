#!/usr/bin/env node
// The command line: each command lives in src/cli/<command>.ts; src/cli/program.ts wires them.
// Every failure ends here as what a person reads and the exit code of its class (src/cli/exit-codes.ts).
// First, a Node.js too old for our dependencies is refused in one line (src/runtime.ts); then,
// before anything loads kafkajs, Node's warnings of its negative timers are dropped and its
// read_committed filter is replaced (src/kafka/index.ts).
import './runtime'
import './kafka'
import { CommanderError } from 'commander'
import { buildProgram } from './cli/program'
import { exitCodes } from './cli/exit-codes'
import { describeError } from './cli/report-error'

function exit(code: number): never {
  process.exit(code)
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // commander already printed its one line (and our usage hint); help and --version are no error
      exit(error.exitCode === 0 ? exitCodes.ok.code : exitCodes.usage.code)
    }
    const report = describeError(error)
    for (const line of report.lines) process.stderr.write(`${line}\n`)
    exit(report.exitCode)
  })
