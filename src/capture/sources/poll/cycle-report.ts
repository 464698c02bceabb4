// What a poll cycle tells the operator: its start, end or failure on the ops channel (metrics,
// diagnostics), and one log line at its end — info when it published something, debug when idle.
import { PkError } from '../../../errors'
import { publish } from '../../../ops/channels'
import type { Logger } from '../../../ops/logger'
import type { Clock } from '../../ports'
import type { CyclePlan } from './plan'
import type { CycleReport, Tally } from './tally'

export interface CycleAnnouncer {
  start(): void
  done(report: CycleReport): void
  failed(error: unknown): void
}

export function announceCycle(clock: Clock, log: Logger, plan: CyclePlan, tally: Tally): CycleAnnouncer {
  const { resource, cycleId } = tally.report
  const facts = { resource, cycleId, kind: plan.kind }
  const durationMs = () => clock.now() - tally.started
  return {
    start() {
      publish('personio-kafka:capture:cycle', { ...facts, phase: 'start' })
      log.debug({ plan }, 'cycle starting')
    },
    done(report) {
      const { c, u, r, d } = report.published
      // An idle cycle is routine: only cycles that published something are worth an info line.
      log[c + u + r + d + report.deadLettered > 0 ? 'info' : 'debug'](
        {
          plan: plan.kind,
          pages: report.pages,
          read: report.read,
          c,
          u,
          r,
          d,
          deadLettered: report.deadLettered,
        },
        'cycle done',
      )
      publish('personio-kafka:capture:cycle', { ...facts, phase: 'end', durationMs: durationMs() })
    },
    failed(error) {
      publish('personio-kafka:capture:cycle', {
        ...facts,
        phase: 'error',
        durationMs: durationMs(),
        error:
          error instanceof PkError
            ? { code: error.code, message: error.message }
            : { code: 'INTERNAL', message: String(error) },
      })
    },
  }
}
