import fc from 'fast-check'
import { fingerprint } from '../../../src/contract/fingerprint'

const fieldName = fc.string({ minLength: 1 }).filter((k) => !k.startsWith('__') && k !== '__proto__')
const record = fc.dictionary(fieldName, fc.jsonValue(), { minKeys: 1 })

describe('contract > fingerprint', () => {
  it('ignores metadata and field order', () => {
    fc.assert(
      fc.property(record, fc.constantFrom('c', 'u', 'r', 'd'), fc.boolean(), (r, op, snapshot) => {
        const reversed = Object.fromEntries(Object.entries(r).reverse())
        expect(fingerprint({ ...reversed, __op: op, __snapshot: snapshot, __source_ts_ms: 1 })).toBe(
          fingerprint(r),
        )
      }),
    )
  })

  it('changes when any resource field changes value', () => {
    fc.assert(
      fc.property(record, fc.jsonValue(), fc.nat(), (r, replacement, pick) => {
        const names = Object.keys(r)
        const name = names[pick % names.length] as string
        fc.pre(JSON.stringify(r[name]) !== JSON.stringify(replacement))
        expect(fingerprint({ ...r, [name]: replacement })).not.toBe(fingerprint(r))
      }),
    )
  })

  it('tells null from a missing field (documented: a new field is a change worth emitting)', () => {
    expect(fingerprint({ id: 1, note: null })).not.toBe(fingerprint({ id: 1 }))
  })
})
