// Preloaded into a CLI child by a test that holds it at a crash point (test/support/pause-at.ts):
// installs the pause hook PK_TEST_PAUSE_AT asks for into the crash-points module the CLI uses.
import { writeSync } from 'node:fs'
import type * as CrashPoints from '../../../src/ops/crash-points'
import { cliModulePath } from '../cli-preload'
import { pauseHookFor } from '../pause-at'

const spec = process.env.PK_TEST_PAUSE_AT
const release = process.env.PK_TEST_PAUSE_RELEASE
if (spec !== undefined && spec !== '') {
  if (release === undefined || release === '')
    throw new Error('PK_TEST_PAUSE_AT needs PK_TEST_PAUSE_RELEASE (a file path)')
  // One hook at a time: a crash spec as well would be silently replaced.
  if (process.env.PK_TEST_CRASH_AT !== undefined)
    throw new Error('PK_TEST_PAUSE_AT and PK_TEST_CRASH_AT together')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setCrashHook } = require(cliModulePath('ops/crash-points.ts')) as typeof CrashPoints
  // stderr written synchronously: the process blocks right after saying it paused
  setCrashHook(pauseHookFor(spec, release, (line) => writeSync(2, `${line}\n`)))
}
