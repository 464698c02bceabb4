// Longest test files first, so that the workers running side by side finish together instead of
// one long file starting last. Jest's own order needs timings from an earlier run on this machine
// (a clean clone has none) and falls back to file size, which says little here: the fault suites
// are short files that run for minutes. Seconds measured on a clean CI run (four workers, Node
// 24; files of 20 s and more, 2026-12-07, after #27); a file missing from the table weighs its
// size, so a new file still gets a place.
const { relative } = require('node:path')
const { statSync } = require('node:fs')
const Sequencer = require('@jest/test-sequencer').default

const measured = {
  // issue #28's worker processes, on the clean CI run of 2026-12-07 after #28
  'test/integration/workers/companies-failover.test.ts': 112,
  'test/integration/workers/bad-companies.test.ts': 82,
  'test/integration/workers/warm-standby.test.ts': 43,
  'test/integration/workers/broker-restart.test.ts': 70,
  'test/integration/capture/faults-broker.test.ts': 140,
  'test/e2e/cli-messages.test.ts': 128,
  'test/downstream/downstream.test.ts': 123,
  'test/system/infra/two-checkouts.test.ts': 80,
  'test/integration/personio/rate-limits-learned.test.ts': 69,
  'test/downstream/connect.test.ts': 69,
  'test/integration/capture/faults-instances.test.ts': 64,
  'test/e2e/demo-cli.test.ts': 64,
  'test/e2e/shutdown.test.ts': 59,
  'test/integration/capture/faults-kill-first-sync.test.ts': 46,
  'test/integration/capture/faults-personio.test.ts': 46,
  'test/integration/capture/faults-kill-later-cycle.test.ts': 45,
  'test/e2e/webhooks-cli.test.ts': 35,
  'test/integration/capture/scale.test.ts': 32,
  'test/e2e/webhooks-run.test.ts': 29,
  'test/integration/capture/crash-points-memory.test.ts': 25,
  'test/integration/capture/webhooks-seams.test.ts': 24,
  'test/e2e/health.test.ts': 22,
}

class LongestFirst extends Sequencer {
  sort(tests) {
    const seconds = (test) => {
      const known = this.time(test)
      if (known !== undefined) return known / 1000
      const file = relative(test.context.config.rootDir, test.path)
      return measured[file] ?? statSync(test.path).size / 1000
    }
    return [...tests].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a))
      return failed !== 0 ? failed : seconds(b) - seconds(a)
    })
  }
}
module.exports = LongestFirst
