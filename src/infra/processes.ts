// Starting and stopping the JVMs we own. A pid is only ever signalled after checking that its
// command line is still ours, so a recycled pid of someone else's process is never killed.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

/** The process's arguments, one per entry (so a marker is matched whole, never as a prefix). */
export function commandArgs(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
  } catch {
    return undefined
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Alive and still running the command we started (identified by a marker in its arguments). */
export function isOurs(pid: number | undefined, marker: string): boolean {
  if (pid === undefined || !isAlive(pid)) return false
  const args = commandArgs(pid)
  // Without /proc (macOS) we cannot tell; trust the recorded pid rather than refuse to manage it.
  // Whole-argument match: the marker of /tmp/a/.infra must not claim a JVM of /tmp/a/.infra2.
  return args === undefined ? existsSync('/proc') === false : args.includes(marker)
}

export function startDetached(command: string, args: string[], logFile: string, cwd: string): number {
  mkdirSync(dirname(logFile), { recursive: true })
  const out = openSync(logFile, 'a')
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, out] })
  closeSync(out)
  child.unref()
  if (child.pid === undefined) throw new Error(`could not start ${command}`)
  return child.pid
}

export async function stop(pid: number, marker: string, graceMs = 20_000): Promise<void> {
  if (!isOurs(pid, marker)) return
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  if (isOurs(pid, marker)) process.kill(pid, 'SIGKILL')
}

/** The size of a log now, so later reads show only what this start wrote (the log is appended to). */
export function logSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** What was written to `file` from byte `from` on. */
export function logSince(file: string, from = 0): string {
  try {
    const size = statSync(file).size
    if (size <= from) return ''
    const fd = openSync(file, 'r')
    try {
      const buffer = Buffer.alloc(size - from)
      readSync(fd, buffer, 0, buffer.length, from)
      return buffer.toString('utf8')
    } finally {
      closeSync(fd)
    }
  } catch {
    return ''
  }
}

/** The last lines this start wrote to `file`, or a sentence saying there were none. */
export function tail(file: string, from = 0, lines = 25): string {
  const text = logSince(file, from).trimEnd()
  return text === '' ? `(${file} has no lines from this start)` : text.split('\n').slice(-lines).join('\n')
}
