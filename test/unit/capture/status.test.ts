// `personio-kafka status` from a restored state: a snapshot that committed a part lately and has not
// failed since is running; one silent too long, never committed, or failed since is paused.
import { initialCursor, type Cursor } from '../../../src/capture/cursor'
import { newCaptureState } from '../../../src/capture/restore'
import { SNAPSHOT_SILENT_MS, statusOf } from '../../../src/capture/status'

describe('capture > status', () => {
  const now = Date.UTC(2026, 4, 1, 12, 0, 0)
  const withCursor = (extra: Partial<Cursor>) => {
    const state = newCaptureState()
    state.commit({
      resource: 'employees',
      known: new Map([['[1]', { f: 'a' }]]),
      cursor: { ...initialCursor('employees'), ...extra },
    })
    return state
  }
  const employees = (extra: Partial<Cursor>) => statusOf(withCursor(extra), now, ['employees'])[0]

  it('says not started for a resource without a cursor', () => {
    expect(statusOf(newCaptureState(), now, ['employees'])).toEqual([
      { resource: 'employees', phase: 'not started', knownKeys: 0, fullListing: false },
    ])
  })

  it('says snapshot running while the last part committed within the silent window, without error since', () => {
    expect(employees({ snapshotProgressAt: now - 1_000 })?.phase).toBe('snapshot running')
    expect(employees({ snapshotProgressAt: now - SNAPSHOT_SILENT_MS + 1 })?.phase).toBe('snapshot running')
    // an error before the last part was overcome by it
    const healed = employees({
      snapshotProgressAt: now - 1_000,
      lastError: { code: 'PK_KAFKA', message: 'broker gone', at: now - 2_000 },
    })
    expect(healed?.phase).toBe('snapshot running')
    expect(healed?.knownKeys).toBe(1)
  })

  it('says snapshot paused once the last part is older than the silent window', () => {
    expect(employees({ snapshotProgressAt: now - SNAPSHOT_SILENT_MS })?.phase).toBe('snapshot paused')
    expect(employees({ snapshotProgressAt: now - 3 * SNAPSHOT_SILENT_MS })?.phase).toBe('snapshot paused')
  })

  it('says snapshot paused when no part was ever committed', () => {
    expect(employees({})?.phase).toBe('snapshot paused')
  })

  it('says snapshot paused when an error came at or after the last part, and shows it with its time', () => {
    const progress = now - 1_000
    for (const at of [progress, progress + 500]) {
      const row = employees({
        snapshotProgressAt: progress,
        lastError: { code: 'PK_AUTH', message: 'credentials refused', at },
      })
      expect(row?.phase).toBe('snapshot paused')
      expect(row?.lastError).toBe(`${new Date(at).toISOString()} PK_AUTH: credentials refused`)
    }
  })

  it('leaves the snapshot phases to unfinished snapshots', () => {
    expect(employees({ snapshotDone: true, snapshotProgressAt: now - 1_000 })?.phase).toBe('capturing')
    expect(employees({ resnapshot: true, snapshotProgressAt: now - 1_000 })?.phase).toBe(
      'resnapshot requested',
    )
  })
})
