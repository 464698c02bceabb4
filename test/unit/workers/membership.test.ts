// What a worker's /readyz says of its membership: not ready before it first joined, nor while it is
// out of the group and joining again (it holds nothing then), ready as a member — even one that
// holds no partition (more workers than companies).
import { membershipReasons } from '../../../src/workers/membership'

describe('workers > membership > readiness', () => {
  it('names never joined, and out of the group with the reason; a member holding nothing is ready', () => {
    expect(membershipReasons(undefined)).toEqual(['not yet a member of the workers group'])
    expect(
      membershipReasons({
        generation: 4,
        memberId: '',
        partitions: [],
        rejoining: 'Failed to find group coordinator',
      }),
    ).toEqual(['out of the workers group, joining again (Failed to find group coordinator)'])
    expect(membershipReasons({ generation: 5, memberId: 'm1', partitions: [] })).toEqual([])
    expect(membershipReasons({ generation: 5, memberId: 'm1', partitions: [0, 3] })).toEqual([])
  })
})
