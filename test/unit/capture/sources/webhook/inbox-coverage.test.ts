// An event whose record was read after it occurred (by Personio's clock, less the skew margin),
// and came back stamped at or after it, costs no read; an announced delete always does, and so do
// a record read at a time Personio did not state and one whose stamp is older than the event.
import { SKEW_MARGIN_MS } from '../../../../../src/capture/rules/personio-clock'
import { inboxCoverage } from '../../../../../src/capture/sources/webhook/inbox-coverage'
import type { InboxWork } from '../../../../../src/capture/sources/webhook/inbox-apply'

const T = Date.parse('2026-12-05T12:00:00Z')

const work = (entities: [string, number, boolean?][]): InboxWork => ({
  entities: new Map(entities.map(([id, , deleted]) => [id, { deleted: deleted === true }])),
  occurred: new Map(entities.map(([id, at]) => [id, at])),
  events: entities.length,
  refused: [],
  oldest: Math.min(...entities.map(([, at]) => at)),
})

describe('capture > inbox coverage', () => {
  it('skips the events a later read has seen, never an announced delete', () => {
    const coverage = inboxCoverage()
    // each record came back changed at the time of its event or later
    coverage.note({
      read: [
        ['1', T - SKEW_MARGIN_MS - 1_000],
        ['2', T - 1_000],
        ['4', T - 60_000],
        ['5', T],
      ],
      readFrom: T,
    })
    const left = coverage.uncovered(
      work([
        ['1', T - SKEW_MARGIN_MS - 1_000], // read after it occurred: covered
        ['2', T - 1_000], // within the skew margin: maybe not seen yet
        ['3', T - 60_000], // never read
        ['4', T - 60_000, true], // an announced delete needs its own read
        ['5', T + 1_000], // after the read
      ]),
    )
    expect([...left.entities.keys()]).toEqual(['2', '3', '4', '5'])
    // a listing of the rest starts at the oldest of their events
    expect(left.oldest).toBe(T - 60_000)
    expect(left.events).toBe(5) // still events the inbox held
  })

  it('knows nothing covered by a read whose time Personio did not state', () => {
    const coverage = inboxCoverage()
    coverage.note({ read: [['1', T - 3_600_000]] })
    expect(coverage.uncovered(work([['1', T - 3_600_000]])).entities.size).toBe(1)
  })

  it('a record read with a stamp older than the event did not see that change: read again', () => {
    // the listing began at T and returned person 1 last changed an hour ago; an event for person
    // 1 stamped 30 s before T (a bulk job that stamped its events when it began, committed after
    // the read) announces a change the read did not see
    const coverage = inboxCoverage()
    coverage.note({ read: [['1', T - 3_600_000]], readFrom: T })
    expect([...coverage.uncovered(work([['1', T - 30_000]])).entities.keys()]).toEqual(['1'])
    // a stamp in the event's second counts (whole-second stamps)
    coverage.note({ read: [['2', T - 31_000]], readFrom: T })
    expect(coverage.uncovered(work([['2', T - 30_500]])).entities.size).toBe(0)
  })
})
