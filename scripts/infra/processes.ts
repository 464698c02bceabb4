// Starting and stopping the JVMs we own. A pid is only ever signalled after checking that its
// command line is still ours, so a recycled pid of someone else's process is never killed.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'

export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
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
  const cmd = commandLine(pid)
  // Without /proc (macOS) we cannot tell; trust the recorded pid rather than refuse to manage it.
  return cmd === undefined ? existsSync('/proc') === false : cmd.includes(marker)
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

export function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log yet)'
  }
}
