// The state as the state topic holds it: replayed records rebuild cursors and known keys, a
// committed delta becomes records that replay to the same state, a tombstone forgets.
import { CaptureState, stateRecords } from '../../../../src/capture/state/state'
import { initialCursor } from '../../../../src/capture/state/cursor'

describe('capture > state', () => {
  it('replays its own records to the same state, with the scope index of stages', () => {
    const cursor = { ...initialCursor('employees_absences_balance'), snapshotDone: true, lastRefreshAt: 9 }
    const delta = {
      resource: 'employees_absences_balance',
      known: new Map([
        ['[7,113]', { f: 'x' }],
        ['[7,114]', { f: 'y' }],
        ['[8,113]', { f: 'z' }],
      ]),
      cursor,
    }
    const replayed = new CaptureState({ employees_absences_balance: 0 })
    for (const rec of stateRecords('s', delta, 1)) replayed.load(rec.key.toString(), rec.value)
    expect(replayed.cursor('employees_absences_balance')).toEqual(cursor)
    expect([...replayed.knownOf('employees_absences_balance')]).toEqual([...delta.known])
    expect(replayed.keysInScope('employees_absences_balance', 7).sort()).toEqual(['[7,113]', '[7,114]'])
    const gone = stateRecords(
      's',
      { resource: 'employees_absences_balance', known: new Map([['[7,113]', null]]) },
      2,
    )
    expect(gone[0]?.value).toBeNull()
    for (const rec of gone) replayed.load(rec.key.toString(), rec.value)
    expect(replayed.keysInScope('employees_absences_balance', 7)).toEqual(['[7,114]'])
    expect(replayed.knownOf('employees_absences_balance').has('[7,113]')).toBe(false)
  })

  it('refuses a known-key entry it cannot read', () => {
    const s = new CaptureState()
    expect(() => s.load('known/employees/[1]', Buffer.from('{"v":9}'))).toThrow(/cannot be read/)
  })

  it('adopts one resource as another state holds it (a settled commit read back), and no other', () => {
    const stage = 'employees_absences_balance'
    const mine = new CaptureState({ [stage]: 0 })
    mine.commit({
      resource: stage,
      known: new Map([
        ['[7,113]', { f: 'old' }],
        ['[9,113]', { f: 'gone' }],
      ]),
    })
    mine.commit({
      resource: 'employees',
      known: new Map([['[1]', { f: 'kept' }]]),
      cursor: initialCursor('employees'),
    })
    const durable = new CaptureState({ [stage]: 0 })
    const cursor = { ...initialCursor(stage), snapshotDone: true }
    durable.commit({
      resource: stage,
      known: new Map([
        ['[7,113]', { f: 'new' }],
        ['[8,113]', { f: 'added' }],
      ]),
      cursor,
    })
    mine.adopt(stage, durable)
    expect([...mine.knownOf(stage)].sort()).toEqual([
      ['[7,113]', { f: 'new' }],
      ['[8,113]', { f: 'added' }],
    ])
    expect(mine.keysInScope(stage, 9)).toEqual([])
    expect(mine.cursor(stage)).toEqual(cursor)
    expect([...mine.knownOf('employees')]).toEqual([['[1]', { f: 'kept' }]])
    mine.adopt('employees', new CaptureState())
    expect({ known: mine.knownOf('employees').size, cursor: mine.hasCursor('employees') }).toEqual({
      known: 0,
      cursor: false,
    })
  })
})
