// A kill at every crash point a `sync --once` reaches, in memory (test/support/memory-crash.ts):
// the cases of test/support/kill-cases.ts — the same company, resources and settings, a first
// sync and a later cycle with creates, updates and deletes — each killed at `<point>:<n>`, run
// again on a fresh client of the same broker, then every change exactly once and each compacted
// view equal to the simulator. The real SIGKILL suites (faults-kill-*.test.ts) keep the points
// where Kafka's own behaviour is what is proven; docs/faults.md says which points are proven where.
import type { CrashPoint } from '../../../src/ops/crash-points'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { changeCompany } from '../../support/exactly-once'
import { killCompany, killResources, killSettings, type Phase } from '../../support/kill-cases'
import { memoryWorld } from '../../support/memory-engine'
import { pointsReached, syncKilledAt, syncToEnd } from '../../support/memory-crash'

// as test/support/exactly-once.ts's captureEnv sets them for the SIGKILL cases (deletes held by
// the guard are confirmed by the next full listing)
const env = { ...killSettings, DELETE_GUARD_MODE: 'hold-then-publish', DELETE_GUARD_HOLD_MS: '0' }

/**
 * How often one run of each phase reaches each point (measured; the runs are the same every
 * time here). Only `webhook-after-ack` is missing: `sync --once` receives no webhooks.
 */
const reached: Record<Phase, Partial<Record<CrashPoint, number>>> = {
  'first sync': {
    'after-fence': 1,
    'after-restore': 1,
    'before-first-page': 4,
    'after-page': 4,
    'after-send-before-commit': 15,
    'after-offsets-before-commit': 13,
    'after-commit-in-sink': 23,
    'after-commit-before-state': 23,
    'mid-reconcile': 4,
    'after-cycle': 4,
    'stage-after-parent': 14,
    'stage-before-offset-commit': 13,
    'between-stages': 1,
  },
  'later cycle': {
    'after-fence': 1,
    'after-restore': 1,
    'before-first-page': 4,
    'after-page': 4,
    'after-send-before-commit': 13,
    'after-offsets-before-commit': 13,
    'after-commit-in-sink': 21,
    'after-commit-before-state': 21,
    'mid-reconcile': 4,
    'after-cycle': 4,
    'stage-after-parent': 5,
    'stage-before-offset-commit': 13,
    'between-stages': 1,
  },
}

/** The first three occurrences of a point, the middle one and the last. */
const occurrences = (times: number): number[] =>
  [...new Set([1, 2, 3, Math.ceil(times / 2), times])].filter((n) => n <= times)

const cases = (phase: Phase): string[] =>
  Object.entries(reached[phase]).flatMap(([point, times]) => occurrences(times).map((n) => `${point}:${n}`))

async function phaseStart(phase: Phase) {
  const sim = await startSimulator(killCompany)
  const world = memoryWorld(sim, 'crash')
  if (phase === 'later cycle') {
    await syncToEnd(world, killResources, env)
    changeCompany(sim)
  }
  return { sim, world }
}

describe.each<Phase>(['first sync', 'later cycle'])(
  'capture > a kill at a crash point, in memory (%s)',
  (phase) => {
    let sim: RunningSimulator | undefined
    afterEach(async () => {
      await sim?.close()
      sim = undefined
    })

    it('reaches every point of a one-shot run', async () => {
      const started = await phaseStart(phase)
      sim = started.sim
      // Exactly as `reached` says: the cases below kill at its first, middle and last occurrences, so
      // a change in how often a run reaches a point (a batch split otherwise) updates the table.
      expect(await pointsReached(started.world, killResources, env)).toEqual(reached[phase])
    })

    it.each(cases(phase))('killed at %s, restarted: every change exactly once', async (spec) => {
      const started = await phaseStart(phase)
      sim = started.sim
      const { world } = started
      await syncKilledAt(world, spec, killResources, env)
      await syncToEnd(world, killResources, env)
      await world.expectExactlyOnce(killResources)
    })
  },
)
