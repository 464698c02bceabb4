// What the next cycle does, from the declaration, the cursor and the time.
import { planCycle } from '../../../../../src/capture/sources/poll/plan'
import { initialCursor } from '../../../../../src/capture/state/cursor'
import { heldOf, waveOf } from '../../../../../src/capture/rules/delete-guard'
import { resources } from '../../../../../src/resources'

const settings = { reconcileMs: 3_600_000, overlapMs: 600_000 }
const done = (over = {}) => ({
  ...initialCursor('employees'),
  snapshotDone: true,
  changedAt: 5_500_000,
  lastReconcileAt: 5_000_000,
  ...over,
})

describe('capture > plan', () => {
  it('starts with a snapshot, and resumes one that stopped halfway without deleting', () => {
    expect(planCycle(resources.employees, initialCursor('employees'), 0, settings)).toEqual({
      kind: 'snapshot',
      deletes: true,
    })
    const halfway = { ...initialCursor('employees'), snapshotResumeAt: 300 }
    expect(planCycle(resources.employees, halfway, 0, settings)).toEqual({
      kind: 'snapshot',
      resumeAt: 300,
      deletes: false,
    })
  })

  it('reads incremental resources from the cursor minus the overlap and one second', () => {
    expect(planCycle(resources.employees, done(), 6_000_000, settings)).toEqual({
      kind: 'incremental',
      since: 5_500_000 - 600_000 - 1000,
    })
  })

  it('reconciles when the interval is due, when Personio sends no timestamps, and for snapshot resources', () => {
    expect(planCycle(resources.employees, done(), 5_000_000 + 3_600_000, settings).kind).toBe('reconcile')
    expect(planCycle(resources.employees, done({ fullListing: true }), 6_000_000, settings).kind).toBe(
      'reconcile',
    )
    expect(planCycle(resources.absence_types, done(), 6_000_000, settings).kind).toBe('reconcile')
  })

  it('re-snapshots from the start when asked, or when forced', () => {
    expect(
      planCycle(resources.employees, done({ resnapshot: true, snapshotResumeAt: 5 }), 0, settings),
    ).toEqual({ kind: 'snapshot', deletes: true })
    expect(planCycle(resources.employees, done(), 0, settings, true)).toEqual({
      kind: 'snapshot',
      deletes: true,
    })
  })

  it('lists everything again after a listing that moved or held deletes', () => {
    expect(planCycle(resources.employees, done({ recheck: true }), 6_000_000, settings)).toEqual({
      kind: 'reconcile',
    })
  })

  it('confirms held deletes by a full listing once they waited, and repairs a cursor in the future', () => {
    const held = heldOf([waveOf(['[1]', '[2]', '[3]'], 5_000_000)])
    const s = { ...settings, deleteHoldMs: 3_600_000, deleteGuardMode: 'hold-then-publish' as const }
    expect(planCycle(resources.employees, done({ heldDeletes: held }), 6_000_000, s).kind).toBe('incremental')
    expect(
      planCycle(resources.employees, done({ heldDeletes: held }), 8_700_000, { ...s, reconcileMs: 1e9 }).kind,
    ).toBe('reconcile')
    // approve (the default): a wave waiting for a person costs no full listings; an approved one does
    const waiting = { ...s, reconcileMs: 1e9, deleteGuardMode: 'approve' as const }
    expect(planCycle(resources.employees, done({ heldDeletes: held }), 8_700_000, waiting).kind).toBe(
      'incremental',
    )
    const approved = heldOf([{ ...waveOf(['[1]'], 8_600_000), decision: 'approved' }])
    expect(planCycle(resources.employees, done({ heldDeletes: approved }), 8_700_000, waiting).kind).toBe(
      'reconcile',
    )
    const parked = done({ changedAt: Date.parse('2099-01-01T00:00:00Z') })
    expect(planCycle(resources.employees, parked, 6_000_000, settings).kind).toBe('reconcile')
  })
})
