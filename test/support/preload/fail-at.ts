// Preloaded into a CLI child by a test that makes one step fail instead of killing the process:
// PK_TEST_FAIL_AT=<point>[:<n>] throws, the n-th time <point> is reached, the error a lost
// connection gives. At `after-commit-in-sink` that is a commit the broker made whose answer never
// came back: the case of an unconfirmed commit that did land (src/capture/commit/settle-commit.ts).
import type * as CrashPoints from '../../../src/ops/crash-points'
import { cliModulePath } from '../cli-preload'
import { crashHookFor } from '../crash-at'

const spec = process.env.PK_TEST_FAIL_AT
if (spec !== undefined && spec !== '') {
  if (process.env.PK_TEST_CRASH_AT !== undefined)
    throw new Error('PK_TEST_FAIL_AT and PK_TEST_CRASH_AT together')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setCrashHook } = require(cliModulePath('ops/crash-points.ts')) as typeof CrashPoints
  setCrashHook(
    crashHookFor(spec, () => {
      throw new Error('Connection error: the broker closed the connection (PK_TEST_FAIL_AT)')
    }),
  )
}
