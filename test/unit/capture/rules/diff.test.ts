// Change detection: c for a new key, u for a changed one, nothing for an identical one, r in a
// snapshot; a known key a complete listing did not return is a delete. Metadata never counts.
import { diffRecords, goneKeys } from '../../../../src/capture/rules/diff'
import type { ChangeEvent } from '../../../../src/capture/rules/change-event'
import { fingerprint, legacyFingerprint } from '../../../../src/contract/fingerprint'
import { watchersOf } from '../../../../src/capture/rules/watch'
import { resources } from '../../../../src/resources'

const r = resources.absences
const ev = (id: number, status: string, employee = 7): ChangeEvent => ({
  resource: 'absences',
  key: { id },
  op: 'r',
  record: { id, status, employee_id: employee },
  snapshot: false,
})
const opts = { snapshot: false, refFields: ['employee_id'], keepImages: false }

describe('capture > diff', () => {
  const known = new Map([['[1]', { f: fingerprint({ id: 1, status: 'approved', employee_id: 7 }) }]])

  it('creates, updates and drops the unchanged', () => {
    const d = diffRecords(r, [ev(1, 'approved'), ev(2, 'approved'), ev(1, 'approved')], known, opts)
    expect(d.events.map((e) => [e.key.id, e.op])).toEqual([[2, 'c']])
    const u = diffRecords(r, [ev(1, 'rejected')], known, opts)
    expect(u.events.map((e) => [e.key.id, e.op, e.refs])).toEqual([[1, 'u', { employee_id: 7 }]])
    expect(u.delta.get('[1]')).toEqual({
      f: fingerprint({ id: 1, status: 'rejected', employee_id: 7 }),
      r: { employee_id: 7 },
    })
  })

  it('counts a key read twice in one pass once, and metadata never as a change', () => {
    const twice = diffRecords(r, [ev(3, 'approved'), ev(3, 'approved')], known, opts)
    expect(twice.events).toHaveLength(1)
    const meta = diffRecords(
      r,
      [{ ...ev(1, 'approved'), record: { id: 1, status: 'approved', employee_id: 7, __op: 'u' } }],
      known,
      opts,
    )
    expect(meta.events).toHaveLength(0)
  })

  it('publishes every record in a snapshot, and keeps images only when asked', () => {
    const s = diffRecords(r, [ev(1, 'approved')], known, { ...opts, snapshot: true, keepImages: true })
    expect(s.events.map((e) => e.op)).toEqual(['r'])
    expect(s.delta.get('[1]')?.i).toEqual({ id: 1, status: 'approved', employee_id: 7 })
  })

  it('deletes the known keys a complete listing did not return, with their remembered references', () => {
    const withRefs = new Map([
      ['[1]', { f: 'a', r: { employee_id: 7 } }],
      ['[2]', { f: 'b' }],
    ])
    const gone = goneKeys(r, withRefs, withRefs.keys(), new Set(['[2]']))
    expect(gone.events).toEqual([
      {
        resource: 'absences',
        key: { id: 1 },
        op: 'd',
        record: null,
        snapshot: false,
        refs: { employee_id: 7 },
      },
    ])
    expect(gone.delta).toEqual(new Map([['[1]', null]]))
  })

  describe('schema growth and watched fields', () => {
    const e = resources.employees
    const emp = (extra: Record<string, unknown>) => ({
      resource: 'employees',
      key: { id: 1 },
      op: 'r' as const,
      record: { id: 1, last_name: 'Ng', status: 'active', hire_date: 19000, ...extra },
      snapshot: false,
    })
    const watchers = watchersOf('employees')
    const eOpts = { snapshot: false, refFields: [], keepImages: false, watchers }
    const first = diffRecords(e, [emp({})], new Map(), eOpts)
    const stored = new Map([['[1]', first.delta.get('[1]')!]])

    it('publishes nothing for a new field that is null, and the record that carries a value', () => {
      expect(diffRecords(e, [emp({ dynamic_9: null })], stored, eOpts).events).toEqual([])
      const filled = diffRecords(e, [emp({ dynamic_9: 'blue' })], stored, eOpts)
      expect(filled.events.map((x) => x.op)).toEqual(['u'])
    })

    it('takes over a fingerprint an earlier release stored, publishing nothing', () => {
      const record = { id: 1, last_name: 'Ng', status: 'active', hire_date: 19000, team_name: null }
      const legacy = new Map([['[1]', { f: legacyFingerprint(record) }]])
      const d = diffRecords(e, [emp({ team_name: null })], legacy, eOpts)
      expect(d.events).toEqual([])
      expect(d.delta.get('[1]')?.f).toBe(fingerprint(record))
    })

    it('marks an update that left a stage’s watched fields alone as quiet for that stage', () => {
      const renamed = diffRecords(e, [emp({ last_name: 'Ngata' })], stored, eOpts)
      expect(renamed.events[0]?.quiet).toEqual(['employees_absences_balance'])
      const left = diffRecords(e, [emp({ status: 'inactive' })], stored, eOpts)
      expect(left.events[0]?.op).toBe('u')
      expect(left.events[0]?.quiet).toBeUndefined()
      // a state entry without watch hashes (an earlier release) never claims quiet
      const bare = new Map([['[1]', { f: stored.get('[1]')!.f }]])
      expect(diffRecords(e, [emp({ last_name: 'Ngata' })], bare, eOpts).events[0]?.quiet).toBeUndefined()
    })
  })
})
