// kafka > kafkajs > commit-ledger: a reader starting right after this process committed waits for
// the read_committed end offsets to pass that commit (its markers land a moment after the commit
// returns), and does not wait for partitions it never wrote.
import { committedEnds, recordCommitted } from '../../../../src/kafka/kafkajs/commit-ledger'

/** A ListOffsets stand-in answering the given stable ends in turn (the last one from then on). */
function answers(...highs: number[][]) {
  let calls = 0
  const fetch = () => {
    const round = highs[Math.min(calls, highs.length - 1)] ?? []
    calls++
    return Promise.resolve(round.map((high, partition) => ({ partition, high: String(high) })))
  }
  return { fetch, calls: () => calls }
}

describe('kafka > kafkajs > commit-ledger', () => {
  /** the Kafka client the ledger belongs to (any object: the ledger only keys on it) */
  const client = {}

  it('waits until the stable end passes the first record this process committed in each partition', async () => {
    // committed: partition 1 from offset 40 on; its markers land on the third answer
    recordCommitted(client, [{ topicName: 'ledger.a', partition: 1, baseOffset: '40' }])
    const broker = answers([5, 40], [5, 40], [5, 62])
    const ends = await committedEnds(client, 'ledger.a', broker.fetch)
    expect(ends.map((e) => e.high)).toEqual(['5', '62'])
    expect(broker.calls()).toBe(3)
  })

  it('keeps the newest commit per partition', async () => {
    recordCommitted(client, [{ topicName: 'ledger.b', partition: 0, baseOffset: '90' }])
    recordCommitted(client, [{ topicName: 'ledger.b', partition: 0, baseOffset: '10' }])
    const broker = answers([50], [91])
    expect((await committedEnds(client, 'ledger.b', broker.fetch)).map((e) => e.high)).toEqual(['91'])
    expect(broker.calls()).toBe(2)
  })

  it('answers at once for a topic this process never wrote, or a failed write (-1)', async () => {
    recordCommitted(client, [{ topicName: 'ledger.c', partition: 0, baseOffset: '-1' }])
    for (const topic of ['ledger.c', 'ledger.never']) {
      const broker = answers([0, 3], [9, 9])
      expect((await committedEnds(client, topic, broker.fetch)).map((e) => e.high)).toEqual(['0', '3'])
      expect(broker.calls()).toBe(1)
    }
  })

  it("does not wait for another client's commits (another engine in the same process)", async () => {
    recordCommitted({}, [{ topicName: 'ledger.e', partition: 0, baseOffset: '70' }])
    const broker = answers([5], [71])
    expect((await committedEnds(client, 'ledger.e', broker.fetch)).map((e) => e.high)).toEqual(['5'])
    expect(broker.calls()).toBe(1)
  })

  it('gives up waiting after the limit and takes the last answer (a later read finds the rest)', async () => {
    recordCommitted(client, [{ topicName: 'ledger.d', partition: 0, baseOffset: '7' }])
    const broker = answers([7])
    const ends = await committedEnds(client, 'ledger.d', broker.fetch, 60)
    expect(ends.map((e) => e.high)).toEqual(['7'])
    expect(broker.calls()).toBeGreaterThan(1)
  })
})
