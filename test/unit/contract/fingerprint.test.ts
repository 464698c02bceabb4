import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { fingerprint } from '../../../src/contract/fingerprint'
import { canonicalJson } from '../../../src/resources/fields/canonical-json'

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

  // Fingerprints live in state topics: a different value for the same record would re-publish
  // every record of every running installation as an update after an upgrade.
  it('keeps the value state topics hold: SHA-256 (base64url) of the canonical JSON of the fields', () => {
    const stored = (r: Record<string, unknown>) =>
      createHash('sha256')
        .update(canonicalJson(Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('__')))))
        .digest('base64url')
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), (records) => {
        for (const r of records) expect(fingerprint({ ...r, __op: 'r' })).toBe(stored(r))
      }),
    )
    expect(
      fingerprint({ id: 1, first_name: 'Andreas', team_name: null, last_modified_at: 1700000000000 }),
    ).toBe('j6iYbV2LjW2EblZmKbwnZ9-_AfCdBGtycvvtjO_xrmA')
  })

  it('gives records of one shape but different values their own fingerprints (the shape cache)', () => {
    const a = { id: 1, name: 'a', nested: { y: 1, x: [{ b: 2, a: 1 }] } }
    const b = { id: 1, name: 'b', nested: { x: [{ a: 1, b: 2 }], y: 1 } }
    expect(fingerprint(a)).not.toBe(fingerprint(b))
    expect(fingerprint({ ...b, name: 'a' })).toBe(fingerprint(a))
    expect(fingerprint({ name: 'a', id: 1 })).toBe(fingerprint({ id: 1, name: 'a' }))
    expect(fingerprint({ id: 1, x: 'a' })).not.toBe(fingerprint({ id: 1, y: 'a' }))
  })

  it('tells null from a missing field (documented: a new field is a change worth emitting)', () => {
    expect(fingerprint({ id: 1, note: null })).not.toBe(fingerprint({ id: 1 }))
  })
})
