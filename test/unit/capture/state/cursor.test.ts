// Every cursor shape ever written decodes; an unknown version is refused with what to do.
import { decodeCursor, encodeCursor, initialCursor, type Cursor } from '../../../../src/capture/state/cursor'
import { StateError } from '../../../../src/errors'

describe('capture > cursor', () => {
  it('round-trips a full cursor', () => {
    const c: Cursor = {
      v: 1,
      resource: 'employees',
      changedAt: 1_700_000_000_000,
      lastKey: '[4711]',
      snapshotDone: true,
      snapshotStartedAt: 1,
      snapshotResumeAt: '/v2/attendance-periods?cursor=cur_x',
      resnapshot: true,
      fullListing: true,
      lastReconcileAt: 2,
      recheck: true,
      heldDeletes: {
        count: 2,
        since: 6,
        waves: [
          { since: 6, count: 2, keys: ['[1]', '[2]'], digest: 'd', unannounced: true },
          { since: 8, count: 1, keys: ['[3]'], digest: 'e', decision: 'rejected' },
        ],
        warnedAt: 9,
      },
      stampedAhead: { count: 1, maxMs: 4_070_908_800_000, at: 7 },
      customFields: ['iban', 'shoe_size'],
      lastRefreshAt: 3,
      lastSuccessAt: 4,
      personioAheadMs: -28_000_000_000,
      lastError: { code: 'PK_KAFKA', message: 'broker away', at: 5 },
    }
    expect(decodeCursor('employees', encodeCursor(c))).toEqual(c)
  })

  it('reads the smallest cursor v1 wrote, with defaults for everything missing', () => {
    expect(decodeCursor('absences', Buffer.from('{"v":1}'))).toEqual({
      ...initialCursor('absences'),
      snapshotDone: false,
    })
    expect(
      decodeCursor('absences', Buffer.from('{"v":1,"snapshotDone":true,"changedAt":"soon"}')),
    ).toMatchObject({
      snapshotDone: true,
      changedAt: undefined,
    })
  })

  it("reads the landed release's held deletes (one flat set) as one wave with its own time", () => {
    const flat = {
      v: 1,
      snapshotDone: true,
      heldDeletes: { count: 2, keys: ['[1]', '[2]'], digest: 'd', since: 6 },
    }
    expect(decodeCursor('employees', Buffer.from(JSON.stringify(flat))).heldDeletes).toEqual({
      count: 2,
      since: 6,
      waves: [{ since: 6, count: 2, keys: ['[1]', '[2]'], digest: 'd' }],
    })
    // past the size kept in full, that release wrote only the digest
    const bare = { v: 1, heldDeletes: { count: 9000, digest: 'x', since: 7 } }
    expect(decodeCursor('employees', Buffer.from(JSON.stringify(bare))).heldDeletes?.waves).toEqual([
      { since: 7, count: 9000, digest: 'x' },
    ])
  })

  it('refuses a version it does not know, and bytes that are not JSON, naming the way out', () => {
    expect(() => decodeCursor('employees', Buffer.from('{"v":2}'))).toThrow(StateError)
    expect(() => decodeCursor('employees', Buffer.from('{"v":2}'))).toThrow(/personio-kafka reset employees/)
    expect(() => decodeCursor('employees', Buffer.from('not json'))).toThrow(/not JSON/)
  })
})
