// Test code a CLI child loads before the CLI itself (`node --require`). What only tests may switch
// on (a crash point) is switched on here, from outside the product: src/ never reads a test
// variable, so a stray one in a real deployment changes nothing. The preloads are TypeScript, so
// tsx is registered first — the very file bin/personio-kafka.js requires next, so it loads once.
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')

/** Honours PK_TEST_CRASH_AT (src/ops/crash-points.ts lists the points). */
export const crashAtPreload = join(__dirname, 'preload', 'crash-at.ts')
/** Honours PK_TEST_FAIL_AT: the step throws instead of the process dying (a lost answer). */
export const failAtPreload = join(__dirname, 'preload', 'fail-at.ts')
/** Says on stderr, as the CLI exits, whether its kafkajs filters aborted records with ours. */
export const abortedFilterProbePreload = join(__dirname, 'preload', 'aborted-filter-probe.ts')

/** What a test's CLI child preloads unless the test says otherwise. */
export const harnessPreloads: readonly string[] = [crashAtPreload]

/** Node arguments, before the script, that load `preloads`. */
export function preloadArgs(preloads: readonly string[]): string[] {
  if (preloads.length === 0) return []
  return ['--require', require.resolve('tsx/cjs'), ...preloads.flatMap((file) => ['--require', file])]
}

/** The file the CLI child loads for a module of src/: the build's when there is one, as the bin
 * prefers it — a preload must reach the CLI's own instance of a module, not a second copy. */
export function cliModulePath(underSrc: string): string {
  return existsSync(join(root, 'dist', 'cli.js'))
    ? join(root, 'dist', underSrc.replace(/\.ts$/, '.js'))
    : join(root, 'src', underSrc)
}
