// The CLI as a child process, the way an operator (or an orchestrator that kills it) runs it, with
// the test harness preloaded (test/support/cli-preload.ts) unless a test asks for none.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { harnessPreloads, preloadArgs } from './cli-preload'

export const cliPath = join(__dirname, '..', '..', 'bin', 'personio-kafka.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliChild {
  child: ChildProcess
  /** resolves when the process ended, however it ended */
  done: Promise<CliResult>
  output(): { stdout: string; stderr: string }
}

export function startCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
  preloads: readonly string[] = harnessPreloads,
): CliChild {
  const child = spawn(process.execPath, [...preloadArgs(preloads), cliPath, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const done = new Promise<CliResult>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      // Let the pipes drain before reporting what the child said.
      setImmediate(() => resolve({ code, signal, stdout, stderr }))
    }),
  )
  return { child, done, output: () => ({ stdout, stderr }) }
}

export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs?: number,
  preloads?: readonly string[],
): Promise<CliResult> {
  return startCli(args, env, timeoutMs, preloads).done
}
