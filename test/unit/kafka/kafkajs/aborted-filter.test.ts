// kafka > kafkajs > aborted-filter: records of aborted transactions stay hidden however the broker
// orders its aborted-transaction list (kafkajs' own filter leaks the earlier-started one).
import { filterAbortedMessages } from '../../../../src/kafka/kafkajs/aborted-filter'

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
