// SIGKILL during a later cycle (creates, updates, deletes), then a restart: see
// test/support/kill-cases.ts. Only the points where what is proven is Kafka's own behaviour are
// killed here; every point, in both phases, is killed in memory by crash-points-memory.test.ts
// (docs/faults.md: which points are proven where).
import { killCases } from '../../support/kill-cases'

killCases('later cycle', [
  // a transaction open at the kill, over topics that already hold committed records
  'after-send-before-commit:2',
  // a stage's consumed offsets, committed before, inside the open transaction: the group keeps the old ones
  'after-offsets-before-commit:1',
  // committed by the broker, never known to the process
  'after-commit-in-sink:2',
])
