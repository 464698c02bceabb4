// SIGKILL at every named point of a first sync, then a restart: see test/support/kill-cases.ts.
import { killCases } from '../../support/kill-cases'

killCases('first sync', [
  'after-fence:1',
  'after-restore:1',
  'before-first-page:1',
  'before-first-page:3',
  'after-page:1',
  'after-page:3',
  'after-send-before-commit:1',
  'after-send-before-commit:4',
  'after-send-before-commit:8',
  'after-commit-in-sink:2',
  'after-commit-before-state:2',
  'after-commit-before-state:6',
  'mid-reconcile:1',
  'after-cycle:1',
  'after-cycle:3',
  'stage-after-parent:3',
  'stage-before-offset-commit:1',
  'after-offsets-before-commit:1',
  'between-stages:1',
])
