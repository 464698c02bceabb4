import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { fingerprint, legacyFingerprint } from '../../../src/contract/fingerprint'
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
  // every record of every running installation as an update after an upgrade. Releases before
  // 2026-12 hashed null fields too; `legacyFingerprint` must keep giving exactly their value.
  const stored = (r: Record<string, unknown>, nulls: boolean) =>
    createHash('sha256')
      .update(
        canonicalJson(
          Object.fromEntries(
            Object.entries(r).filter(([k, v]) => !k.startsWith('__') && (nulls || v !== null)),
          ),
        ),
      )
      .digest('base64url')
  it('is SHA-256 (base64url) of the canonical JSON of the non-null fields', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), (records) => {
        for (const r of records) expect(fingerprint({ ...r, __op: 'r' })).toBe(stored(r, false))
      }),
    )
  })

  it('recognises what earlier releases stored (nulls hashed too)', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 4 }), (records) => {
        for (const r of records) expect(legacyFingerprint({ ...r, __op: 'r' })).toBe(stored(r, true))
      }),
    )
    // a value taken from a state topic written by the release of 2026-11
    expect(
      legacyFingerprint({ id: 1, first_name: 'Andreas', team_name: null, last_modified_at: 1700000000000 }),
    ).toBe('j6iYbV2LjW2EblZmKbwnZ9-_AfCdBGtycvvtjO_xrmA')
    // without a null field both agree: most records migrate for nothing
    const full = { id: 1, first_name: 'Andreas', last_modified_at: 1700000000000 }
    expect(fingerprint(full)).toBe(legacyFingerprint(full))
  })

  it('gives records of one shape but different values their own fingerprints (the shape cache)', () => {
    const a = { id: 1, name: 'a', nested: { y: 1, x: [{ b: 2, a: 1 }] } }
    const b = { id: 1, name: 'b', nested: { x: [{ a: 1, b: 2 }], y: 1 } }
    expect(fingerprint(a)).not.toBe(fingerprint(b))
    expect(fingerprint({ ...b, name: 'a' })).toBe(fingerprint(a))
    expect(fingerprint({ name: 'a', id: 1 })).toBe(fingerprint({ id: 1, name: 'a' }))
    expect(fingerprint({ id: 1, x: 'a' })).not.toBe(fingerprint({ id: 1, y: 'a' }))
  })

  it('takes a null field for a missing one: a new, empty field is no change', () => {
    expect(fingerprint({ id: 1, note: null })).toBe(fingerprint({ id: 1 }))
    expect(fingerprint({ id: 1, note: 'x' })).not.toBe(fingerprint({ id: 1 }))
    expect(legacyFingerprint({ id: 1, note: null })).not.toBe(legacyFingerprint({ id: 1 }))
  })
})
