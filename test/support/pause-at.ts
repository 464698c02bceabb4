// PK_TEST_PAUSE_AT=<point>[:<n>] as a crash hook that holds the process instead of killing it: the
// n-th time <point> is reached it says so on stderr and blocks, event loop and all, until the file
// PK_TEST_PAUSE_RELEASE names exists. A test then does what it must at exactly that point — stop
// the broker while a transaction is open, say — and releases it. Blocking (not awaiting) is the
// point: nothing of the process moves on, no commit, no heartbeat, until the test is done.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { CrashHook } from '../../src/ops/crash-points'
import { parseCrashSpec } from './crash-at'

/** The preload that installs it into a CLI child (next to the harness's, see ./cli-preload). */
export const pauseAtPreload = join(__dirname, 'preload', 'pause-at.ts')

/** What the hook writes when it holds the process: a test waits for this line on stderr. */
export const pausedLine = (point: string, nth: number): string => `PK_TEST_PAUSE: paused at ${point}:${nth}`

export function pauseHookFor(
  text: string,
  releaseFile: string,
  say: (line: string) => void,
  /** a test that never releases must not leave a child blocked for good */
  maxMs = 120_000,
): CrashHook {
  const { point, nth } = parseCrashSpec(text)
  const tick = new Int32Array(new SharedArrayBuffer(4))
  let hits = 0
  return (reached) => {
    if (reached !== point) return
    hits += 1
    if (hits !== nth) return
    say(pausedLine(point, hits))
    const until = Date.now() + maxMs
    while (!existsSync(releaseFile) && Date.now() < until) Atomics.wait(tick, 0, 0, 10)
    say(
      existsSync(releaseFile)
        ? 'PK_TEST_PAUSE: released'
        : `PK_TEST_PAUSE: not released in ${maxMs} ms, going on`,
    )
  }
}
