// A poll cycle's bookkeeping, created when the cycle starts: what it reports, which keys its
// listing returned and whether that listing moved, and what its records said about Personio's clock.
import { newCycleId } from '../../../ops/logger'
import type { ResourceName } from '../../../resources'
import type { CapturePorts } from '../../context'
import { ListingWatch } from '../../read/listing-watch'
import type { StampedAhead } from '../../state/cursor'
import type { CyclePlan } from './plan'

export interface CycleReport {
  resource: ResourceName
  cycleId: string
  plan: CyclePlan['kind']
  pages: number
  read: number
  published: { c: number; u: number; r: number; d: number }
  deadLettered: number
}

export interface Tally {
  report: CycleReport
  /** keys listed, and whether the listing moved under the reader */
  watch: ListingWatch
  maxChangedAt?: number
  withTimestamp: number
  /** our clock */
  started: number
  /** Personio's clock when the listing began, once a response has said it */
  personioStart: () => number | undefined
  ahead?: StampedAhead
}

export function newReport(resource: ResourceName, plan: CyclePlan): CycleReport {
  return {
    resource,
    cycleId: newCycleId(),
    plan: plan.kind,
    pages: 0,
    read: 0,
    published: { c: 0, u: 0, r: 0, d: 0 },
    deadLettered: 0,
  }
}

/** Starts the clocks: ours now, Personio's at its first answer from here on. */
export function newTally(ctx: Pick<CapturePorts, 'clock' | 'http'>, report: CycleReport): Tally {
  return {
    report,
    watch: new ListingWatch(),
    withTimestamp: 0,
    started: ctx.clock.now(),
    personioStart: ctx.http.markPersonioTime(),
  }
}
