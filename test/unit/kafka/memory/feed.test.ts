// Feeds in memory read as the kafkajs feed does: from the group's committed offsets, one batch of
// one partition at a time, back-pressured by the handler, ending at the stable end seen at start
// (untilCaughtUp) or waiting for more; never an aborted record, never past an open transaction.
import { KafkaError } from '../../../../src/errors'
import { createMemoryKafka, type MemoryKafka } from '../../../../src/kafka/memory'
import type { FeedBatch, OutgoingRecord } from '../../../../src/kafka/port'

const budget = () => 512 * 1024
const record = (key: string, value = key): OutgoingRecord => ({
  topic: 't',
  key: Buffer.from(key),
  value: Buffer.from(value),
  timestamp: 1_000,
})

async function withTopic(partitions = 2, options = {}): Promise<MemoryKafka> {
  const kafka = createMemoryKafka(options)
  await kafka.admin.ensureTopics([{ topic: 't', partitions, replicationFactor: 1, config: {} }])
  return kafka
}

/** Every batch a group's caught-up read hands over. */
async function drain(kafka: MemoryKafka): Promise<FeedBatch[]> {
  const batches: FeedBatch[] = []
  await kafka
    .feeds({ groupId: 'g', topics: ['t'], untilCaughtUp: true })
    .run(async (batch) => void batches.push(batch))
  return batches
}

const valuesOf = (batches: FeedBatch[]) =>
  batches.flatMap((b) => b.records.map((r) => r.value?.toString() ?? '')).sort()

describe('kafka > memory > feed', () => {
  it('untilCaughtUp reads to the end seen at start, and stops there', async () => {
    const kafka = await withTopic()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    await sink.publish(
      'r',
      ['a', 'b', 'c', 'd'].map((k) => record(k)),
    )
    const batches: FeedBatch[] = []
    const caughtUp = jest.fn()
    await kafka.feeds({ groupId: 'g', topics: ['t'], untilCaughtUp: true }).run(async (batch) => {
      batches.push(batch)
      // written while the feed reads: after the end it started from, so not read now
      if (batches.length === 1) await sink.publish('r', [record('late')])
    }, caughtUp)
    expect(valuesOf(batches)).toEqual(['a', 'b', 'c', 'd'])
    expect(caughtUp).toHaveBeenCalledTimes(1)
    expect(kafka.running()).toBe(0)
  })

  it('starts from the offsets the group committed in a transaction, and commits nothing itself', async () => {
    const kafka = await withTopic(1)
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    await sink.publish(
      'r',
      ['a', 'b', 'c'].map((k) => record(k)),
    )
    const first = await drain(kafka)
    expect(kafka.groupOffsets('g')).toEqual({})
    expect(first.map((b) => b.next)).toEqual([
      { groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: '3' }] },
    ])
    // the handler's transaction commits the offset after "b": the next feed starts at "c"
    await sink.publish('r', [], { groupId: 'g', offsets: [{ topic: 't', partition: 0, offset: '2' }] })
    const second = await drain(kafka)
    expect(valuesOf(second)).toEqual(['c'])
  })

  it('a caught-up group ends at once, having said so', async () => {
    const kafka = await withTopic()
    const caughtUp = jest.fn()
    const handler = jest.fn()
    await kafka.feeds({ groupId: 'g', topics: ['t'], untilCaughtUp: true }).run(handler, caughtUp)
    expect(handler).not.toHaveBeenCalled()
    expect(caughtUp).toHaveBeenCalledTimes(1)
  })

  it('skips aborted records and stops before an open transaction', async () => {
    const kafka = await withTopic(1)
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    kafka.faults.failNextPublish('r')
    await expect(sink.publish('r', [record('aborted')])).rejects.toThrow()
    await sink.publish('r', [record('committed')])
    kafka.faults.uncertainNextPublish('open', { committed: false })
    await expect(sink.publish('open', [record('open')])).rejects.toThrow()
    await sink.publish('r', [record('after-open')])
    const batches = await drain(kafka)
    expect(valuesOf(batches)).toEqual(['committed'])
  })

  it('a running feed delivers what is appended later, one batch at a time, until stopped', async () => {
    const kafka = await withTopic()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    const feed = kafka.feeds({ groupId: 'g', topics: ['t'], untilCaughtUp: false })
    const seen: string[] = []
    let inHandler = 0
    let most = 0
    const caughtUp = jest.fn()
    let release: () => void = () => undefined
    const got = (n: number) =>
      new Promise<void>((resolve) => {
        release = () => seen.length >= n && resolve()
      })
    const running = feed.run(async (batch) => {
      most = Math.max(most, ++inHandler)
      await new Promise((r) => setImmediate(r))
      seen.push(...batch.records.map((r) => r.value?.toString() ?? ''))
      inHandler--
      release()
    }, caughtUp)
    expect(caughtUp).toHaveBeenCalledTimes(1) // nothing to read at start
    const two = got(2)
    await sink.publish('r', [record('a')])
    await sink.publish('r', [record('b')])
    await two
    const three = got(3)
    await kafka.durableWriter({ batchBudget: budget }).write([record('c')])
    await three
    await feed.stop()
    await running
    expect(seen.sort()).toEqual(['a', 'b', 'c'])
    expect(most).toBe(1)
    expect(kafka.running()).toBe(0)
  })

  it('cuts a partition into batches below the batch size, one record at least', async () => {
    const kafka = await withTopic(1, { feedBatchBytes: 250 })
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    await sink.publish(
      'r',
      ['a', 'b', 'c', 'd', 'e'].map((k) => record(k, k.repeat(100))),
    )
    expect((await drain(kafka)).map((b) => b.records.length)).toEqual([2, 2, 1])
  })

  it("a handler's failure ends the feed with it; the group's offsets stay", async () => {
    const kafka = await withTopic(1)
    await kafka.events({ prefix: 'p', batchBudget: budget }).publish('r', [record('a')])
    const run = kafka
      .feeds({ groupId: 'g', topics: ['t'], untilCaughtUp: false })
      .run(() => Promise.reject(new Error('handler failed')))
    await expect(run).rejects.toThrow(KafkaError)
    await expect(run).rejects.toThrow('Reading t failed: handler failed')
    expect(kafka.groupOffsets('g')).toEqual({})
  })

  it('refuses a topic that does not exist', async () => {
    const kafka = createMemoryKafka()
    const run = kafka.feeds({ groupId: 'g', topics: ['nowhere'], untilCaughtUp: true }).run(jest.fn())
    await expect(run).rejects.toThrow(/does not host/)
  })
})
