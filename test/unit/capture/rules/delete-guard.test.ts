// Deletes a downstream table can trust: a listing that would delete implausibly many known records
// holds them as a wave. By default a wave waits for a person; publishing after a hold time is an
// explicit setting. Every key keeps the time it was first found gone; a few deletes go at once.
import {
  announcesEveryDelete,
  awaitingApproval,
  decideDeletes,
  heldOf,
  heldText,
  MAX_HELD_KEY_BYTES,
  waveOf,
  WAVE_REMINDER_MS,
  type GuardPolicy,
} from '../../../../src/capture/rules/delete-guard'
import { resources, type ResourceName } from '../../../../src/resources'

const keys = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `[${from + i}]`)
const approve: GuardPolicy = { share: 0.2, mode: 'approve', holdMs: 3_600_000 }
const timed: GuardPolicy = { share: 0.2, mode: 'hold-then-publish', holdMs: 3_600_000 }
const MIN = 60_000

describe('capture > delete guard', () => {
  it('publishes a few deletes at once', () => {
    expect(decideDeletes(250, ['[7]'], undefined, approve, 1)).toEqual({ publish: ['[7]'] })
    expect(decideDeletes(250, keys(1, 50), undefined, approve, 1)).toEqual({ publish: keys(1, 50) })
    // one of very few records is an ordinary delete
    expect(decideDeletes(3, ['[2]'], undefined, approve, 1)).toEqual({ publish: ['[2]'] })
  })

  it('does not nag about small tables: fewer than 5 records gone, not all of them, is ordinary', () => {
    // two of five absence types removed: 40 %, yet housekeeping
    expect(decideDeletes(5, ['[1]', '[2]'], undefined, approve, 1)).toEqual({ publish: ['[1]', '[2]'] })
    expect(decideDeletes(10, keys(1, 4), undefined, approve, 1)).toEqual({ publish: keys(1, 4) })
    // five of twenty is a wave; all five of five is one too (an empty answer)
    expect(decideDeletes(20, keys(1, 5), undefined, approve, 1).newWave?.count).toBe(5)
    expect(decideDeletes(5, keys(1, 5), undefined, approve, 1).publish).toEqual([])
  })

  it('holds an empty answer, and more than the share, as a wave', () => {
    const empty = decideDeletes(248, keys(1, 248), undefined, approve, 1000)
    expect(empty.publish).toEqual([])
    expect(empty.hold).toMatchObject({ count: 248, since: 1000, warnedAt: 1000 })
    expect(empty.hold?.waves).toEqual([waveOf(keys(1, 248), 1000)])
    expect(empty.newWave?.count).toBe(248)
    const cut = decideDeletes(250, keys(100, 250), undefined, approve, 1)
    expect(cut.publish).toEqual([])
    expect(cut.hold?.count).toBe(151)
    // the whole of a one-record resource is held too
    expect(decideDeletes(1, ['[1]'], undefined, approve, 1).hold?.count).toBe(1)
  })

  it('approve (the default): a wave is never published by time alone; approved, exactly the keys still gone go', () => {
    const held = decideDeletes(250, keys(1, 100), undefined, approve, 0).hold
    const yearLater = decideDeletes(250, keys(1, 100), held, approve, 365 * 24 * 60 * MIN)
    expect(yearLater.publish).toEqual([])
    expect(yearLater.hold?.count).toBe(100)
    expect(yearLater.newWave).toBeUndefined()
    // a person approves; meanwhile ten came back: the other ninety are published, nothing stays held
    const approved = heldOf([{ ...waveOf(keys(1, 100), 0), decision: 'approved' }])
    expect(decideDeletes(250, keys(11, 100), approved, approve, 5)).toEqual({ publish: keys(11, 100) })
    // the glitch is over before anyone looked: nothing is gone, nothing stays held
    expect(decideDeletes(250, [], held, approve, 9)).toEqual({ publish: [] })
  })

  it('a rejected wave is kept as existing and not proposed again while the same records stay missing', () => {
    const rejected = heldOf([{ ...waveOf(keys(1, 100), 0), decision: 'rejected' }])
    const next = decideDeletes(250, keys(1, 100), rejected, approve, 10 * WAVE_REMINDER_MS)
    expect(next.publish).toEqual([])
    expect(next.newWave).toBeUndefined()
    expect(next.remind).toBeUndefined()
    expect(next.hold?.waves[0]).toMatchObject({ decision: 'rejected', count: 100 })
    expect(next.hold?.count).toBe(0) // nothing waits
    // records that reappear leave it; once all are back the rejection is gone
    expect(decideDeletes(250, keys(1, 40), rejected, approve, 1).hold?.waves[0]?.count).toBe(40)
    expect(decideDeletes(250, [], rejected, approve, 1).hold).toBeUndefined()
    // new records missing besides it are judged on their own
    expect(decideDeletes(250, [...keys(1, 100), '[200]'], rejected, approve, 1).publish).toEqual(['[200]'])
  })

  it('hold-then-publish: every key keeps its own first-seen time, a new wave never inherits an older one', () => {
    const t0 = 1_000_000
    const first = decideDeletes(250, keys(1, 60), undefined, timed, t0)
    expect(first.hold?.count).toBe(60)
    const outage = decideDeletes(250, keys(1, 250), first.hold, timed, t0 + 59 * MIN)
    expect(outage.publish).toEqual([])
    const again = decideDeletes(250, keys(1, 250), outage.hold, timed, t0 + 61 * MIN)
    // the 60 waited their hour; the 190 of the empty answer have waited two minutes
    expect(again.publish).toEqual(keys(1, 60))
    expect(again.hold?.waves).toEqual([waveOf(keys(61, 250), t0 + 59 * MIN)])
    expect(decideDeletes(190, keys(61, 250), again.hold, timed, t0 + 119 * MIN).publish).toEqual(
      keys(61, 250),
    )
  })

  it('hold-then-publish: a wave waits its time; meanwhile an ordinary delete goes at once', () => {
    const held = heldOf([waveOf(keys(1, 100), 1_000)])
    const early = decideDeletes(250, keys(1, 100), held, timed, 1_000 + 59_000)
    expect(early.publish).toEqual([])
    expect(early.hold).toMatchObject({ count: 100, since: 1_000 })
    const mixed = decideDeletes(250, [...keys(1, 100), '[200]'], held, timed, 60_000)
    expect(mixed.publish).toEqual(['[200]'])
    expect(mixed.hold?.count).toBe(100)
    const late = decideDeletes(250, keys(1, 100), held, timed, 1_000 + 3_600_000)
    expect(late).toEqual({ publish: keys(1, 100) })
    // a wave is never published by the listing that found it, even with no hold time
    expect(decideDeletes(250, keys(1, 100), undefined, { ...timed, holdMs: 0 }, 5).publish).toEqual([])
  })

  it('keeps only a digest past the bytes a cursor holds comfortably: the same set stands, a changed one starts over', () => {
    // uuid keys, as absence periods and attendances have
    const many = Array.from(
      { length: 8000 },
      (_, i) => `["${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd"]`,
    )
    expect(many.join('').length).toBeGreaterThan(MAX_HELD_KEY_BYTES)
    const held = decideDeletes(many.length, many, undefined, { ...timed, holdMs: 0 }, 1).hold
    expect(held?.waves[0]?.keys).toBeUndefined()
    expect(
      decideDeletes(many.length, [...many].reverse(), held, { ...timed, holdMs: 0 }, 2).publish,
    ).toHaveLength(many.length)
    const other = decideDeletes(many.length + 1, many.slice(1), held, timed, 5_000_000)
    expect(other.publish).toEqual([])
    expect(other.hold?.waves).toHaveLength(1)
    expect(other.hold).toMatchObject({ count: many.length - 1, since: 5_000_000 })
  })

  it('keeps the keys of all waves together within the bytes a cursor holds comfortably', () => {
    const uuid = (i: number) => `["${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd"]`
    const wide = (from: number, n: number) => Array.from({ length: n }, (_, i) => uuid(from + i))
    // each wave alone fits; the second on top of the first would not
    const first = decideDeletes(20_000, wide(0, 5000), undefined, timed, 1).hold
    const both = decideDeletes(20_000, [...wide(0, 5000), ...wide(5000, 5000)], first, timed, 2).hold
    expect(both?.waves.map((w) => w.keys?.length)).toEqual([5000, undefined])
    expect(both?.count).toBe(10_000)
  })

  it('counts for the metric only the records that wait for a person', () => {
    const held = heldOf([
      waveOf(keys(1, 10), 0),
      { ...waveOf(keys(11, 13), 0), decision: 'approved' },
      { ...waveOf(keys(14, 20), 0), decision: 'rejected' },
    ])
    expect(awaitingApproval(held, 'approve')).toBe(10)
    // waiting out the hold time, nobody is asked
    expect(awaitingApproval(held, 'hold-then-publish')).toBe(0)
    expect(awaitingApproval(undefined, 'approve')).toBe(0)
  })

  it('tells status how many wait since when, and what a person decided', () => {
    const waiting = heldOf([waveOf(keys(1, 10), 0)])
    expect(heldText(waiting!)).toBe('10 since 1970-01-01T00:00:00.000Z')
    const mixed = heldOf([waveOf(keys(1, 10), 0), { ...waveOf(keys(11, 16), 5), decision: 'rejected' }])
    expect(heldText(mixed!)).toBe('10 since 1970-01-01T00:00:00.000Z (6 rejected)')
    // records kept as existing are nothing to flag
    expect(heldText(heldOf([{ ...waveOf(keys(11, 16), 5), decision: 'rejected' }])!)).toBeUndefined()
  })

  it('under webhooks, records missing that Personio never announced: two are a wave, one goes with a warning', () => {
    const covered = { ...approve, covered: true }
    const two = decideDeletes(250, ['[1]', '[2]'], undefined, covered, 1)
    expect(two.publish).toEqual([])
    expect(two.newWave).toMatchObject({ count: 2, unannounced: true })
    expect(decideDeletes(250, ['[1]'], undefined, covered, 1)).toEqual({ publish: ['[1]'], unannounced: 1 })
    // polled, two of 250 are ordinary
    expect(decideDeletes(250, ['[1]', '[2]'], undefined, approve, 1)).toEqual({ publish: ['[1]', '[2]'] })
  })

  it('reminds that a wave waits for a person at most once an hour', () => {
    const first = decideDeletes(250, keys(1, 100), undefined, approve, 0)
    expect(first.hold?.warnedAt).toBe(0)
    const soon = decideDeletes(250, keys(1, 100), first.hold, approve, 30 * MIN)
    expect(soon.remind).toBeUndefined()
    expect(soon.hold?.warnedAt).toBe(0)
    const hourOn = decideDeletes(250, keys(1, 100), soon.hold, approve, 61 * MIN)
    expect(hourOn.remind).toBe(true)
    expect(hourOn.hold?.warnedAt).toBe(61 * MIN)
    expect(decideDeletes(250, keys(1, 100), hourOn.hold, approve, 62 * MIN).remind).toBeUndefined()
  })

  it('counts records missing unannounced as suspicious only where every delete is announced to us', () => {
    const following =
      (...names: ResourceName[]) =>
      (name: ResourceName) =>
        names.includes(name)
    // a person's absences go with the person: announced only if employees follow webhooks too
    expect(announcesEveryDelete(resources.absences, following('absences', 'employees'))).toBe(true)
    expect(announcesEveryDelete(resources.absences, following('absences'))).toBe(false)
    expect(announcesEveryDelete(resources.employees, following('employees'))).toBe(true)
    expect(announcesEveryDelete(resources.employees, following())).toBe(false)
  })
})
