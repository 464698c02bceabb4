// kafka > kafkajs > aborted-filter: records of aborted transactions stay hidden however the broker
// orders its aborted-transaction list (kafkajs' own filter leaks the earlier-started one), and it is
// the filter kafkajs' consumer batches use, here under jest's module registry as under node.
import { abortedFilterActive, filterAbortedMessages } from '../../../../src/kafka/kafkajs/aborted-filter'

const ABORT = Buffer.from([0, 0, 0, 0])
const COMMIT = Buffer.from([0, 0, 0, 1])
const record = (offset: number, producerId: string) => ({
  offset: String(offset),
  key: Buffer.from('k'),
  batchContext: { producerId, inTransaction: true },
})
const marker = (offset: number, producerId: string, key: Buffer) => ({
  ...record(offset, producerId),
  key,
  isControlRecord: true,
})
const dataOffsets = (ms: { offset: string; isControlRecord?: boolean }[]) =>
  ms.filter((m) => m.isControlRecord !== true).map((m) => Number(m.offset))

describe('kafka > kafkajs > aborted-filter', () => {
  it('hides both of two interleaved aborted transactions listed in the order they ended', () => {
    const messages = [
      record(0, 'A'),
      record(1, 'B'),
      record(2, 'A'),
      record(3, 'B'),
      marker(4, 'B', ABORT),
      marker(5, 'A', ABORT),
    ]
    const out = filterAbortedMessages({
      messages,
      abortedTransactions: [
        { firstOffset: '1', producerId: 'B' },
        { firstOffset: '0', producerId: 'A' },
      ],
    })
    expect(dataOffsets(out)).toEqual([])
  })

  it('keeps a committed transaction interleaved with an aborted one', () => {
    const messages = [
      record(0, 'A'),
      record(1, 'B'),
      record(2, 'A'),
      marker(3, 'B', ABORT),
      marker(4, 'A', COMMIT),
    ]
    const out = filterAbortedMessages({
      messages,
      abortedTransactions: [{ firstOffset: '1', producerId: 'B' }],
    })
    expect(dataOffsets(out)).toEqual([0, 2])
  })

  it('a producer aborted once and committing later is visible again after its abort marker', () => {
    const messages = [record(0, 'A'), marker(1, 'A', ABORT), record(2, 'A'), marker(3, 'A', COMMIT)]
    const out = filterAbortedMessages({
      messages,
      abortedTransactions: [{ firstOffset: '0', producerId: 'A' }],
    })
    expect(dataOffsets(out)).toEqual([2])
  })

  it('records of a transaction that started before the fetch are hidden too', () => {
    const messages = [record(5, 'A'), marker(6, 'A', ABORT), record(7, 'B')]
    const out = filterAbortedMessages({
      messages,
      abortedTransactions: [{ firstOffset: '2', producerId: 'A' }],
    })
    expect(dataOffsets(out)).toEqual([7])
  })
})

// kafkajs internals, the way its consumer uses them: Broker#fetch's response becomes one Batch per
// partition (src/consumer/consumerGroup.js). A broker that answers without a network stands in.
interface Message {
  offset: string
  key: Buffer
  isControlRecord?: boolean
  batchContext: { producerId: string; inTransaction: boolean }
}
interface FetchedPartition {
  partition: number
  highWatermark: string
  abortedTransactions: { firstOffset: string; producerId: string }[]
  messages: Message[]
}
type FetchResponse = { responses: { topicName: string; partitions: FetchedPartition[] }[] }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Broker = require('kafkajs/src/broker') as {
  prototype: { fetch(request: object): Promise<FetchResponse> }
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Batch = require('kafkajs/src/consumer/batch') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: FetchedPartition,
) => { messages: Message[] }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsFilter = require('kafkajs/src/consumer/filterAbortedMessages') as typeof filterAbortedMessages

function brokerAnswering(response: FetchResponse): { fetch(request: object): Promise<FetchResponse> } {
  const broker = Object.create(Broker.prototype) as Record<string | symbol, unknown>
  const send = Object.getOwnPropertySymbols(Broker.prototype).find(
    (s) => s.description === 'private:Broker:sendRequest',
  )
  if (send === undefined) throw new Error('kafkajs Broker changed: no sendRequest')
  broker.lookupRequest = () => () => ({})
  broker[send] = async () => response
  return broker as unknown as { fetch(request: object): Promise<FetchResponse> }
}

describe('kafka > kafkajs > aborted-filter installed', () => {
  it('is active in this module registry', () => {
    expect(abortedFilterActive()).toBe(true)
  })

  it("a consumer's batch hides the interleaved aborted records kafkajs' own filter lets through", async () => {
    const partition: FetchedPartition = {
      partition: 0,
      highWatermark: '7',
      abortedTransactions: [
        { firstOffset: '1', producerId: 'B' },
        { firstOffset: '0', producerId: 'A' },
      ],
      messages: [
        record(0, 'A'),
        record(1, 'B'),
        record(2, 'A'),
        record(3, 'B'),
        marker(4, 'B', ABORT),
        marker(5, 'A', ABORT),
        record(6, 'C'),
        marker(7, 'C', COMMIT),
      ],
    }
    const { responses } = await brokerAnswering({
      responses: [{ topicName: 't', partitions: [partition] }],
    }).fetch({ topics: [] })
    const fetched = responses[0]?.partitions[0] as FetchedPartition
    expect(dataOffsets(kafkajsFilter(fetched))).toEqual([0, 6])
    expect(dataOffsets(new Batch('t', '0', fetched).messages)).toEqual([6])
  })
})
