// Runs the real CLI as a person would (bin/personio-kafka.js through tsx), with only the
// environment given here: nothing leaks in from the test process (jest sets KAFKA_BROKERS…). The
// test harness is preloaded (test/support/cli-preload.ts).
import { execFile, spawn } from 'node:child_process'
import { join } from 'node:path'
import { harnessPreloads, preloadArgs } from './cli-preload'

export const cliPath = join(__dirname, '..', '..', 'bin', 'personio-kafka.js')

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  ms: number
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  const started = Date.now()
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...preloadArgs(harnessPreloads), cliPath, ...args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: timeoutMs,
        // debug logs of a whole run (kafkajs consumers included) exceed the 1 MB default
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr, ms: Date.now() - started })
      },
    )
  })
}

/** The lines a person reads on stderr that are not JSON log lines. */
export function messageLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'))
}

/** JSON log lines on stderr. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** True when the text holds a JS stack frame. */
export const hasStack = (text: string): boolean => /^\s+at .+(\(|:\d+)/m.test(text)

/**
 * Starts the CLI, sends SIGINT (as Ctrl-C would) once `busy()` says it is at work, and resolves
 * when it exits. Not after a fixed time: a loaded machine can take longer than that to start it.
 */
export function interruptCli(
  args: string[],
  env: Record<string, string>,
  busy: () => boolean,
): Promise<CliRun> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...preloadArgs(harnessPreloads), cliPath, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setInterval(() => {
      if (!busy()) return
      clearInterval(timer)
      child.kill('SIGINT')
    }, 50)
    child.on('exit', (code, signal) => {
      clearInterval(timer)
      resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr, ms: Date.now() - started })
    })
  })
}
