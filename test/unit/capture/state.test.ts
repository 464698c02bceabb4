// The state as the state topic holds it: replayed records rebuild cursors and known keys, a
// committed delta becomes records that replay to the same state, a tombstone forgets.
import { CaptureState, stateRecords } from '../../../src/capture/state'
import { initialCursor } from '../../../src/capture/cursor'

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
})
