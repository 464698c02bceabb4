// Which worker holds which partition of the companies topic (issue #28): run by the group leader
// inside Kafka's rebalance (kafka/kafkajs/worker-assigner.ts), pure so that every property of it
// is checked without a broker. kafkajs speaks only the eager protocol, so stickiness is ours: a
// partition stays where it is unless the group is out of balance, and a rebalance that moves
// nothing leaves every company running where it was.
//
// Weighted partitions (companies on them, as the leader's directory says) and empty ones are
// balanced apart: by weight for the first, by count for the second, so a company added later to an
// empty partition already has an owner and the empty partitions do not pile up on one worker.
// Within a class, a partition moves only while the heaviest member carries more than the heaviest
// single partition above the lightest. That bound is what makes the result a fixed point (fed its
// own output it moves nothing) and the movement minimal: a member that leaves loses only its own
// partitions to the others, and a member that joins takes partitions from the others and nobody
// else swaps. No member ends above ceil(total / members) + the heaviest partition's weight.

export interface AssignorMember {
  memberId: string
  /** partitions the member holds now, from its subscription metadata: kept where balance allows */
  owned: readonly number[]
  /** the generation it got them in: a partition two members claim stays with the later one */
  generation?: number
  /**
   * holds nothing, ever: a short-lived member that joins only to make the leader assign again
   * (kafkajs has no call to ask the group for a rebalance), e.g. after companies were added
   */
  observer?: boolean
}

export interface AssignorInput {
  members: readonly AssignorMember[]
  /** the companies topic's partition count: 0..partitions-1 are all assigned */
  partitions: number
  /** companies on a partition (a negative or non-finite weight counts as 0) */
  weight: (partition: number) => number
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Every partition 0..partitions-1 to exactly one member; every member listed, partitions ascending. */
export function assignPartitions(input: AssignorInput): Map<string, number[]> {
  const workers = input.members.filter((m) => m.observer !== true)
  const ids = [...new Set(workers.map((m) => m.memberId))].sort(byId)
  const assignment = new Map(
    [...new Set(input.members.map((m) => m.memberId))].sort(byId).map((id) => [id, [] as number[]]),
  )
  const count = Math.max(0, Math.floor(input.partitions))
  if (ids.length === 0 || count === 0) return assignment

  const weights = Array.from({ length: count }, (_, p) => {
    const w = input.weight(p)
    return Number.isFinite(w) && w > 0 ? w : 0
  })
  const owner = currentOwners(workers, count)
  const all = weights.map((_, p) => p)
  balance(
    ids,
    all.filter((p) => weights[p] !== 0),
    (p) => weights[p] ?? 0,
    owner,
  )
  balance(
    ids,
    all.filter((p) => weights[p] === 0),
    () => 1,
    owner,
  )
  owner.forEach((id, p) => assignment.get(id as string)?.push(p))
  return assignment
}

/** Whether assigning again with these weights would move any partition: a rebalance would help. */
export function wouldMove(input: AssignorInput): boolean {
  const next = assignPartitions(input)
  return input.members.some((m) => {
    const now = [...m.owned].sort((a, b) => a - b)
    const then = next.get(m.memberId) ?? []
    return now.length !== then.length || now.some((p, i) => p !== then[i])
  })
}

/**
 * Who holds each partition now. Two members claim one partition after a member was expelled (its
 * session expired while it lived) and came back with stale metadata: the claim of the later
 * generation wins, then the smaller member id, so the answer does not depend on the members' order.
 */
function currentOwners(members: readonly AssignorMember[], count: number): (string | undefined)[] {
  const owner: (string | undefined)[] = new Array<string | undefined>(count).fill(undefined)
  const generationOf: number[] = new Array<number>(count).fill(-Infinity)
  for (const m of members) {
    const generation = m.generation ?? -1
    for (const p of m.owned) {
      if (!Number.isInteger(p) || p < 0 || p >= count) continue
      const held = owner[p]
      const better =
        held === undefined ||
        generation > (generationOf[p] as number) ||
        (generation === generationOf[p] && byId(m.memberId, held) < 0)
      if (better) {
        owner[p] = m.memberId
        generationOf[p] = generation
      }
    }
  }
  return owner
}

interface Load {
  id: string
  load: number
  held: number[]
}

const lightest = (a: Load, b: Load): number =>
  a.load - b.load || a.held.length - b.held.length || byId(a.id, b.id)
const heaviest = (a: Load, b: Load): number =>
  b.load - a.load || b.held.length - a.held.length || byId(a.id, b.id)

/** Balances one class of partitions over the members, writing the owners into `owner`. */
function balance(
  ids: readonly string[],
  partitions: readonly number[],
  weightOf: (p: number) => number,
  owner: (string | undefined)[],
): void {
  if (partitions.length === 0) return
  const loads = new Map<string, Load>(ids.map((id) => [id, { id, load: 0, held: [] }]))
  const give = (to: Load, p: number) => {
    to.held.push(p)
    to.load += weightOf(p)
    owner[p] = to.id
  }
  const pool: number[] = []
  for (const p of partitions) {
    const kept = loads.get(owner[p] ?? '')
    if (kept === undefined) pool.push(p)
    else give(kept, p)
  }
  // New or orphaned partitions, heaviest first, each to the lightest member (LPT).
  pool.sort((a, b) => weightOf(b) - weightOf(a) || a - b)
  const members = [...loads.values()]
  for (const p of pool)
    give(
      members.reduce((a, b) => (lightest(a, b) <= 0 ? a : b)),
      p,
    )

  const widest = Math.max(...partitions.map(weightOf))
  for (;;) {
    const heavy = members.reduce((a, b) => (heaviest(a, b) <= 0 ? a : b))
    const light = members.reduce((a, b) => (lightest(a, b) <= 0 ? a : b))
    const gap = heavy.load - light.load
    if (gap <= widest) return
    // Every partition of `heavy` weighs less than the gap, so any move narrows it; the one nearest
    // half the gap narrows it most. Each move lowers the sum of squared loads: the loop ends.
    const moved = heavy.held.reduce((a, b) => {
      const d = Math.abs(weightOf(a) - gap / 2) - Math.abs(weightOf(b) - gap / 2)
      return d < 0 || (d === 0 && a < b) ? a : b
    })
    heavy.held.splice(heavy.held.indexOf(moved), 1)
    heavy.load -= weightOf(moved)
    give(light, moved)
  }
}
