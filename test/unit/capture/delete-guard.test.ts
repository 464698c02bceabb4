// Deletes a downstream table can trust: a listing that would delete implausibly many known records
// holds them until the next full listing finds the same ones gone; a few deletes go at once.
import { decideDeletes, heldOf, MAX_HELD_KEY_BYTES } from '../../../src/capture/delete-guard'

const keys = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `[${from + i}]`)

describe('capture > delete guard', () => {
  it('publishes a few deletes at once', () => {
    expect(decideDeletes(250, ['[7]'], undefined, 0.2, 1)).toEqual({ publish: ['[7]'] })
    expect(decideDeletes(250, keys(1, 50), undefined, 0.2, 1)).toEqual({ publish: keys(1, 50) })
    // one of very few records is an ordinary delete
    expect(decideDeletes(3, ['[2]'], undefined, 0.2, 1)).toEqual({ publish: ['[2]'] })
  })

  it('holds an empty answer, and more than the share, until a second listing agrees', () => {
    const empty = decideDeletes(248, keys(1, 248), undefined, 0.2, 1000)
    expect(empty.publish).toEqual([])
    expect(empty.hold).toMatchObject({ count: 248, keys: keys(1, 248), since: 1000 })
    const cut = decideDeletes(250, keys(100, 250), undefined, 0.2, 1)
    expect(cut.publish).toEqual([])
    expect(cut.hold?.count).toBe(151)
    // the whole of a one-record resource is held too
    expect(decideDeletes(1, ['[1]'], undefined, 0.2, 1).hold?.count).toBe(1)
  })

  it('publishes held deletes the next listing confirms, and forgets the ones that came back', () => {
    const held = heldOf(keys(1, 100), 5)
    expect(decideDeletes(250, keys(1, 100), held, 0.2, 9)).toEqual({ publish: keys(1, 100) })
    // the glitch is over: nothing is gone, nothing stays held
    expect(decideDeletes(250, [], held, 0.2, 9)).toEqual({ publish: [] })
    // a confirmed part goes, an implausible new part is held anew
    const next = decideDeletes(250, [...keys(1, 10), ...keys(200, 250)], heldOf(keys(1, 10), 5), 0.2, 9)
    expect(next.publish).toEqual(keys(1, 10))
    expect(next.hold).toMatchObject({ count: 51, since: 9 })
  })

  it('keeps only a digest past the bytes a cursor holds comfortably, and confirms the same set', () => {
    // uuid keys, as absence periods and attendances have
    const many = Array.from(
      { length: 8000 },
      (_, i) => `["${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd"]`,
    )
    expect(many.join('').length).toBeGreaterThan(MAX_HELD_KEY_BYTES)
    const held = heldOf(many, 1)
    expect(held.keys).toBeUndefined()
    expect(decideDeletes(many.length, [...many].reverse(), held, 0.2, 2).publish).toHaveLength(many.length)
    const other = decideDeletes(many.length + 1, many.slice(1), held, 0.2, 2)
    expect(other.publish).toEqual([])
    expect(other.hold?.count).toBe(many.length - 1)
  })

  it('confirms held deletes only once they waited the hold time: a short outage deletes nothing', () => {
    const held = heldOf(keys(1, 100), 1_000)
    const early = decideDeletes(250, keys(1, 100), held, 0.2, 1_000 + 59_000, 3_600_000)
    expect(early.publish).toEqual([])
    expect(early.hold).toMatchObject({ count: 100, since: 1_000 })
    // meanwhile an ordinary delete still goes at once
    const mixed = decideDeletes(250, [...keys(1, 100), '[200]'], held, 0.2, 60_000, 3_600_000)
    expect(mixed.publish).toEqual(['[200]'])
    expect(mixed.hold?.count).toBe(100)
    const late = decideDeletes(250, keys(1, 100), held, 0.2, 1_000 + 3_600_000, 3_600_000)
    expect(late).toEqual({ publish: keys(1, 100) })
  })
})
