// The leader's assignment of the companies topic: every partition to exactly one worker, balanced
// by companies per partition, sticky across rebalances, the same on every leader.
import fc from 'fast-check'
import { assignPartitions, wouldMove, type AssignorMember } from '../../../src/workers/assignor'

type Assigned = Map<string, number[]>

const owners = (a: Assigned): Map<number, string> =>
  new Map([...a].flatMap(([id, ps]) => ps.map((p) => [p, id] as const)))
const loadOf = (ps: readonly number[], weights: readonly number[]) =>
  ps.reduce((n, p) => n + (weights[p] ?? 0), 0)
const members = (a: Assigned, generation = 1): AssignorMember[] =>
  [...a].map(([memberId, owned]) => ({ memberId, owned, generation }))
const assign = (ms: readonly AssignorMember[], weights: readonly number[]) =>
  assignPartitions({ members: ms, partitions: weights.length, weight: (p) => weights[p] ?? 0 })
/** partitions that changed hands from `before` to `after`, with their old and new owner */
const moves = (before: Assigned, after: Assigned) => {
  const was = owners(before)
  return [...owners(after)]
    .filter(([p, id]) => was.get(p) !== id)
    .map(([p, to]) => ({ p, from: was.get(p), to }))
}

function expectComplete(a: Assigned, partitions: number) {
  const all = [...a.values()].flat()
  expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: partitions }, (_, p) => p))
  for (const ps of a.values()) expect(ps).toEqual([...ps].sort((x, y) => x - y))
}

function expectBalanced(a: Assigned, weights: readonly number[]) {
  const total = loadOf(
    weights.map((_, p) => p),
    weights,
  )
  const widest = Math.max(0, ...weights)
  const bound = Math.ceil(total / a.size) + widest
  for (const ps of a.values()) expect(loadOf(ps, weights)).toBeLessThanOrEqual(bound)
  const empties = [...a.values()].map((ps) => ps.filter((p) => weights[p] === 0).length)
  expect(Math.max(...empties) - Math.min(...empties)).toBeLessThanOrEqual(1)
}

// Companies per partition as a directory of up to ~60 companies over 1..40 partitions makes them:
// mostly 0 or 1, now and then a heavy one.
const arbWeights = fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 6 })), {
  minLength: 1,
  maxLength: 40,
})
const arbIds = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,3}-[0-9a-f]{1,4}$/), { minLength: 1, maxLength: 7 })
/** a stable group's assignment (the leader's last answer), to change from */
const settled = (ids: readonly string[], weights: readonly number[]) =>
  assign(
    ids.map((memberId) => ({ memberId, owned: [] })),
    weights,
  )

describe('workers > assignor', () => {
  it('gives every partition to exactly one member, balanced by weight and by count of empty ones', () => {
    fc.assert(
      fc.property(arbWeights, arbIds, (weights, ids) => {
        const a = settled(ids, weights)
        expect([...a.keys()].sort()).toEqual([...ids].sort())
        expectComplete(a, weights.length)
        expectBalanced(a, weights)
      }),
    )
  })

  it('balances any claims (partial, unbalanced, out of range) into a fixed point', () => {
    fc.assert(
      fc.property(arbWeights, arbIds, fc.array(fc.nat(), { maxLength: 40 }), (weights, ids, picks) => {
        // arbitrary (unbalanced, partial, out of range) claims
        const ms = ids.map((memberId, i) => ({
          memberId,
          owned: picks.filter((_, j) => j % ids.length === i).map((x) => x % (weights.length + 3)),
        }))
        const a = assign(ms, weights)
        expectComplete(a, weights.length)
        expectBalanced(a, weights)
        // its own output is a fixed point: the next rebalance moves nothing
        expect(moves(a, assign(members(a), weights))).toEqual([])
      }),
    )
  })

  it('on a member joining, moves partitions only to the new member', () => {
    fc.assert(
      fc.property(
        arbWeights,
        arbIds,
        fc.oneof(fc.stringMatching(/^N[0-9]{1,3}$/), fc.stringMatching(/^zzzz[0-9]$/)),
        (weights, ids, newcomer) => {
          const before = settled(ids, weights)
          const after = assign([...members(before), { memberId: newcomer, owned: [] }], weights)
          expectComplete(after, weights.length)
          expectBalanced(after, weights)
          for (const m of moves(before, after)) expect(m.to).toBe(newcomer)
        },
      ),
    )
  })

  it('on a member leaving, moves only its partitions', () => {
    fc.assert(
      fc.property(
        arbWeights,
        arbIds.filter((ids) => ids.length >= 2),
        fc.nat(),
        (weights, ids, k) => {
          const before = settled(ids, weights)
          const gone = ids[k % ids.length] as string
          const after = assign(
            members(before).filter((m) => m.memberId !== gone),
            weights,
          )
          expectComplete(after, weights.length)
          expectBalanced(after, weights)
          for (const m of moves(before, after)) expect(m.from).toBe(gone)
        },
      ),
    )
  })

  it('answers the same whatever the order of the members', () => {
    fc.assert(
      fc.property(
        arbWeights,
        arbIds,
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.nat(),
        (weights, ids, picks, seed) => {
          const ms = ids.map((memberId, i) => ({
            memberId,
            generation: i % 2,
            owned: picks
              .filter((_, j) => j % ids.length === (i + j) % ids.length)
              .map((x) => x % weights.length),
          }))
          const shuffled = [...ms].sort(
            (a, b) => ((a.memberId.charCodeAt(0) * seed) % 7) - ((b.memberId.charCodeAt(0) * seed) % 7),
          )
          expect([...assign(shuffled, weights)].sort()).toEqual([...assign(ms, weights)].sort())
          expect([...assign([...ms].reverse(), weights)].sort()).toEqual([...assign(ms, weights)].sort())
        },
      ),
    )
  })

  it('gives a partition claimed by two members to the later generation, else the smaller id', () => {
    const weights = [1, 1, 1, 1]
    const stale = { memberId: 'a', owned: [0, 1], generation: 3 } // expelled, came back
    const current = { memberId: 'b', owned: [1, 2], generation: 4 }
    for (const ms of [
      [stale, current],
      [current, stale],
    ]) {
      const a = assign(ms, weights)
      expect(a.get('a')).toEqual([0, 3])
      expect(a.get('b')).toEqual([1, 2])
    }
    // same generation: the smaller member id, whichever order they come in
    const tie = [
      { memberId: 'b', owned: [0, 1], generation: 4 },
      { memberId: 'a', owned: [1, 2], generation: 4 },
    ]
    for (const ms of [tie, [...tie].reverse()]) {
      const a = assign(ms, weights)
      expect(a.get('a')).toEqual([1, 2])
      expect(a.get('b')).toEqual([0, 3])
    }
  })

  describe('concrete', () => {
    // 20 partitions with the companies of a directory: 21 companies on 14 of them, six empty
    const weights = [3, 1, 0, 2, 1, 2, 0, 2, 1, 3, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0]
    const three = settled(['w1', 'w2', 'w3'], weights)
    const loads = (a: Assigned) => [...a].map(([id, ps]) => [id, loadOf(ps, weights)])

    it('spreads 20 weighted partitions over 3 members', () => {
      expect(loads(three)).toEqual([
        ['w1', 7],
        ['w2', 7],
        ['w3', 7],
      ])
      expectComplete(three, 20)
      // the six empty partitions two each
      for (const ps of three.values()) expect(ps.filter((p) => weights[p] === 0)).toHaveLength(2)
    })

    it('gives the partitions of a member that leaves to the two others, who keep theirs', () => {
      const two = assign(
        members(three).filter((m) => m.memberId !== 'w2'),
        weights,
      )
      for (const id of ['w1', 'w3']) expect(two.get(id)).toEqual(expect.arrayContaining(three.get(id) ?? []))
      expect(loads(two)).toEqual([
        ['w1', 11],
        ['w3', 10],
      ])
      expectBalanced(two, weights)
      expect(
        moves(three, two)
          .map((m) => m.p)
          .sort((x, y) => x - y),
      ).toEqual(three.get('w2'))
    })

    it('gives a fourth member a share taken from the others only', () => {
      const four = assign([...members(three), { memberId: 'w4', owned: [] }], weights)
      expectBalanced(four, weights)
      expect(loadOf(four.get('w4') ?? [], weights)).toBeGreaterThanOrEqual(4)
      for (const id of ['w1', 'w2', 'w3'])
        expect(three.get(id)).toEqual(expect.arrayContaining(four.get(id) ?? []))
    })

    it('assigns every partition even when no company exists yet, or to a lone member', () => {
      const empty = settled(['a', 'b', 'c'], new Array<number>(128).fill(0))
      expect([...empty.values()].map((ps) => ps.length)).toEqual([43, 43, 42])
      expect(settled(['solo'], weights).get('solo')).toEqual(weights.map((_, p) => p))
      expect(assignPartitions({ members: [], partitions: 8, weight: () => 1 }).size).toBe(0)
    })
  })

  it('gives an observer nothing, and assigns the others as if it were not there', () => {
    const members = [
      { memberId: 'a', owned: [0, 1, 2] },
      { memberId: 'b', owned: [3, 4, 5] },
    ]
    const weight = (p: number) => (p < 3 ? 2 : 0)
    const without = assignPartitions({ members, partitions: 6, weight })
    const withObserver = assignPartitions({
      members: [...members, { memberId: '0-observer', owned: [4], observer: true }],
      partitions: 6,
      weight,
    })
    expect(withObserver.get('0-observer')).toEqual([])
    expect(new Map([...withObserver].filter(([id]) => id !== '0-observer'))).toEqual(without)
  })

  it('says whether assigning again would move anything', () => {
    const members = [
      { memberId: 'a', owned: [0, 1, 2] },
      { memberId: 'b', owned: [3, 4, 5] },
    ]
    expect(wouldMove({ members, partitions: 6, weight: () => 0 })).toBe(false)
    // companies landed on a's partitions only
    expect(wouldMove({ members, partitions: 6, weight: (p) => (p < 3 ? 2 : 0) })).toBe(true)
  })
})
