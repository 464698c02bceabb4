import fc from 'fast-check'
import { frame, unframe } from '../../../src/contract/wire'
import { ContractError } from '../../../src/errors'

describe('contract > wire', () => {
  it('frames with magic byte 0 and a big-endian schema id, and unframes', () => {
    const bytes = frame(258, Buffer.from([7, 8]))
    expect([...bytes]).toEqual([0, 0, 0, 1, 2, 7, 8])
    expect(unframe(bytes)).toEqual({ schemaId: 258, payload: Buffer.from([7, 8]) })
  })

  it('round-trips any schema id and payload', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.uint8Array(), (id, payload) => {
        const { schemaId, payload: back } = unframe(frame(id, Buffer.from(payload)))
        expect(schemaId).toBe(id)
        expect([...back]).toEqual([...payload])
      }),
    )
  })

  it('refuses bytes without the magic byte, or too short to hold an id', () => {
    expect(() => unframe(Buffer.from([1, 0, 0, 0, 1]))).toThrow(ContractError)
    expect(() => unframe(Buffer.from([1, 0, 0, 0, 1]))).toThrow(/magic byte 1/)
    expect(() => unframe(Buffer.alloc(0))).toThrow(/magic byte missing/)
    expect(() => unframe(Buffer.from([0, 0, 1]))).toThrow(ContractError)
  })
})
