// Preloaded into the tests' CLI children (test/support/cli-preload.ts): installs the crash hook
// PK_TEST_CRASH_AT asks for (test/support/crash-at.ts) into the crash-points module the CLI uses.
import type * as CrashPoints from '../../../src/ops/crash-points'
import { cliModulePath } from '../cli-preload'
import { crashHookFor } from '../crash-at'

const spec = process.env.PK_TEST_CRASH_AT
if (spec !== undefined && spec !== '') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { setCrashHook } = require(cliModulePath('ops/crash-points.ts')) as typeof CrashPoints
  setCrashHook(crashHookFor(spec))
}
