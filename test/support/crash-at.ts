// PK_TEST_CRASH_AT=<point>[:<n>] as a crash hook: SIGKILL (no cleanup, no abort, like `kill -9` or
// an OOM kill) the n-th time <point> is reached, n ≥ 1, 1 when left out. A point that is not one
// of src/ops/crash-points.ts's is refused, so a misspelt case fails at once instead of waiting for a
// point that never comes.
import { crashPoints, type CrashHook } from '../../src/ops/crash-points'

export interface CrashSpec {
  point: string
  nth: number
}

export function parseCrashSpec(text: string): CrashSpec {
  const at = text.lastIndexOf(':')
  const point = at < 0 ? text : text.slice(0, at)
  const nth = at < 0 ? 1 : Number(text.slice(at + 1))
  if (!Object.hasOwn(crashPoints, point))
    throw new Error(`PK_TEST_CRASH_AT=${text}: no crash point "${point}" in src/ops/crash-points.ts`)
  if (!Number.isInteger(nth) || nth < 1) throw new Error(`PK_TEST_CRASH_AT=${text}: n must be an integer ≥ 1`)
  return { point, nth }
}

export function crashHookFor(
  text: string,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): CrashHook {
  const { point, nth } = parseCrashSpec(text)
  let hits = 0
  return (reached) => {
    if (reached !== point) return
    hits += 1
    if (hits !== nth) return
    process.stderr.write(`PK_TEST_CRASH_AT: killing at ${point}:${hits}\n`)
    kill()
  }
}
