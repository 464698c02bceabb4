// Which stages watch which fields, from the resource declarations, and the per-stage hash of them.
import { quietStages, watchersOf, watchHashes } from '../../../../src/capture/rules/watch'

describe('capture > watch', () => {
  it('reads the declarations: balances watch some employee and type fields; reports every employee field', () => {
    const onEmployees = watchersOf('employees')
    expect(onEmployees.map((w) => w.stage)).toEqual(['employees_absences_balance'])
    expect(onEmployees[0]?.fields).toContain('status')
    expect(onEmployees[0]?.fields).not.toContain('last_name')
    expect(watchersOf('absence_types')).toEqual([
      { stage: 'employees_absences_balance', fields: ['category', 'unit'] },
    ])
    expect(watchersOf('absences')[0]?.fields).not.toContain('time_off_type_name')
    // report rows may show any employee field: no watcher there, every change counts
    expect(watchersOf('custom_reports_list')).toEqual([])
  })

  it('hashes the watched fields only, ignoring the item keys a field names', () => {
    const [w] = watchersOf('employees')
    const base = {
      id: 1,
      last_name: 'Ng',
      status: 'active',
      absence_entitlement: JSON.stringify([
        { id: 1, name: 'Vacation', category: 'paid_vacation', entitlement: 30 },
      ]),
    }
    const h = watchHashes(base, [w!])
    expect(watchHashes({ ...base, last_name: 'Ngata', dynamic_1: 'x' }, [w!])).toEqual(h)
    const renamedType = {
      ...base,
      absence_entitlement: JSON.stringify([
        { entitlement: 30, id: 1, name: 'Holiday', category: 'paid_vacation' },
      ]),
    }
    expect(watchHashes(renamedType, [w!])).toEqual(h)
    const more = {
      ...base,
      absence_entitlement: JSON.stringify([
        { id: 1, name: 'Vacation', category: 'paid_vacation', entitlement: 28 },
      ]),
    }
    expect(watchHashes(more, [w!])).not.toEqual(h)
    expect(watchHashes({ ...base, status: 'inactive' }, [w!])).not.toEqual(h)
  })

  it('calls a stage quiet only when its hash was known and is unchanged', () => {
    expect(quietStages({ a: 'x', b: 'y' }, { a: 'x', b: 'z' })).toEqual(['a'])
    expect(quietStages(undefined, { a: 'x' })).toEqual([])
    expect(quietStages({}, { a: 'x' })).toEqual([])
  })
})
