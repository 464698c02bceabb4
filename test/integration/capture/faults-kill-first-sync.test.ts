// SIGKILL during a first sync, then a restart: see test/support/kill-cases.ts. Only the points
// where what is proven is Kafka's own behaviour are killed here; every point, in both phases, is
// killed in memory by crash-points-memory.test.ts (docs/faults.md: which points are proven where).
import { killCases } from '../../support/kill-cases'

killCases('first sync', [
  // the killed process registered its transactional ids: the restart's InitProducerId fences it
  'after-fence:1',
  // a transaction open at the kill: the restart's fence aborts it, read_committed never shows it
  'after-send-before-commit:1',
  'after-send-before-commit:8',
  // a stage's consumed offsets inside the open transaction: aborted with it, never committed
  'after-offsets-before-commit:1',
  // committed by the broker, never known to the process: the restore reads it back
  'after-commit-in-sink:2',
])
