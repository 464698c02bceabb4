// SIGKILL at every named point of a later cycle, then a restart: see test/support/kill-cases.ts.
import { killCases } from '../../support/kill-cases'

killCases('later cycle', [
  'before-first-page:2',
  'after-page:2',
  'after-send-before-commit:2',
  'after-commit-before-state:1',
  'mid-reconcile:1',
  'mid-reconcile:2',
  'after-cycle:2',
  'stage-after-parent:1',
  'stage-before-offset-commit:1',
  'after-offsets-before-commit:1',
])
