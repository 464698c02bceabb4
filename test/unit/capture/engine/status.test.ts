// `personio-kafka status` from a restored state: a snapshot that committed a part lately and has not
// failed since is running; one silent too long, never committed, or failed since is paused.
import { initialCursor, type Cursor } from '../../../../src/capture/state/cursor'
import { newCaptureState } from '../../../../src/capture/state/restore'
import {
  inboxStatusOf,
  shownResources,
  SNAPSHOT_SILENT_MS,
  statusOf,
  statusTable,
} from '../../../../src/capture/engine/status'
import type { IncomingRecord } from '../../../../src/kafka/port'
import { resourceNames } from '../../../../src/resources'

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

  it('shows the captured resources and any other the state holds a cursor for, in resource order', () => {
    expect(shownResources(newCaptureState(), ['projects', 'employees'])).toEqual(['employees', 'projects'])
    // employees captured once, since dropped from the list: still shown
    expect(shownResources(withCursor({}), ['absence_types'])).toEqual(['employees', 'absence_types'])
    expect(shownResources(newCaptureState(), resourceNames)).toEqual(resourceNames)
  })

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

  it("measures the lag on Personio's clock: a Personio a year behind ours is not a year of lag", () => {
    const personioAheadMs = -325 * 86_400_000 // the simulator's January against our December
    const changedAt = now + personioAheadMs - 5_000 // a read that began 5 s ago by Personio's clock
    const row = employees({ snapshotDone: true, changedAt, personioAheadMs })
    expect(row?.lagSeconds).toBe(5)
    // a cursor written before the difference was recorded takes our clock as Personio's
    expect(employees({ snapshotDone: true, changedAt: now - 90_000 })?.lagSeconds).toBe(90)
  })

  describe('the table', () => {
    // every resource, each with everything that makes a row long
    const busy = () => {
      const state = newCaptureState()
      for (const name of resourceNames)
        state.commit({
          resource: name,
          known: new Map([['[1]', { f: 'a' }]]),
          cursor: {
            ...initialCursor(name),
            snapshotDone: true,
            fullListing: true,
            changedAt: now - 120_000,
            lastSuccessAt: now - 3_600_000,
            stampedAhead: { count: 1, maxMs: Date.parse('2099-01-01T00:00:00Z'), at: now },
            lastError: { code: 'PK_PERSONIO_HTTP', message: 'Personio answered 503 '.repeat(8), at: now },
          },
        })
      return statusOf(state, now)
    }

    it('fits 100 columns by default and says what needs attention in words', () => {
      const lines = statusTable(busy(), { now })
      expect(lines).toHaveLength(resourceNames.length + 1)
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(100)
      expect(lines[1]).toMatch(/^employees +capturing +1 +2 min +1 h ago +error PK_PERSONIO_HTTP: Personi/)
      expect(lines[1]).toMatch(/…$/)
    })

    it('shows every column in full with --wide', () => {
      const lines = statusTable(busy(), { now, wide: true })
      expect(lines[0]).toMatch(
        /^resource +phase +known keys +changed up to +lag +last success +deletes held +stamped ahead +inbox +last error$/,
      )
      expect(lines[1]).toContain('capturing (full listings)')
      expect(lines[1]).toContain(new Date(now - 3_600_000).toISOString())
      expect(lines[1]).toContain('1 record(s), latest 2099-01-01T00:00:00.000Z')
      expect(lines[1]).toContain(`${'Personio answered 503 '.repeat(8).trim()}`)
    })
  })

  it("shows a webhook inbox's backlog: this resource's events, the records they name, the oldest's age", () => {
    const record = (event_name: string, id: string, at: number): IncomingRecord => ({
      topic: 'p._webhooks',
      partition: 0,
      offset: '0',
      key: null,
      value: Buffer.from(
        JSON.stringify({
          company_id: '1',
          event_name,
          occurred_at: new Date(at).toISOString(),
          payload: { id },
        }),
      ),
      headers: {},
      timestamp: at,
    })
    const inbox = inboxStatusOf(
      'employees',
      [
        record('person.updated', '7', now - 90_000),
        record('person.updated', '7', now - 60_000),
        record('person.updated', '8', now - 30_000),
        record('attendance-period.updated', '0b8d6c3e-1f2a-4b5c-8d9e-000000000001', now - 600_000),
      ],
      now,
    )
    expect(inbox).toEqual({ events: 3, entities: 2, oldestSeconds: 90 })
    const [row] = statusOf(withCursor({ snapshotDone: true }), now, ['employees'])
    const lines = statusTable([{ ...row!, inbox }], { now })
    expect(lines[1]).toMatch(/inbox: 3 events, 2 records, oldest 1.5 min$/)
  })
})
