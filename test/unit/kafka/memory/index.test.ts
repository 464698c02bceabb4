// What a test sees of the memory Kafka: topics read as a consumer reads them, and compacted as
// the broker's cleaner would leave them; the durable writer's failures on cue.
import { KafkaError } from '../../../../src/errors'
import { createMemoryKafka } from '../../../../src/kafka/memory'
import type { OutgoingRecord } from '../../../../src/kafka/port'

const record = (key: string, value: string | null, timestamp: number): OutgoingRecord => ({
  topic: 't',
  key: Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  timestamp,
  headers: { h: 'v' },
})

describe('kafka > memory', () => {
  it('keeps records as written, with their own timestamps and headers', async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([{ topic: 't', partitions: 1, replicationFactor: 1, config: {} }])
    await kafka.durableWriter({ batchBudget: () => 1_000 }).write([record('a', '1', 42)])
    expect(kafka.topic('t')).toEqual([
      {
        topic: 't',
        partition: 0,
        offset: '0',
        key: Buffer.from('a'),
        value: Buffer.from('1'),
        headers: { h: 'v' },
        timestamp: 42,
      },
    ])
  })

  it('compacted: the last committed record of each key, tombstones included', async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([{ topic: 't', partitions: 2, replicationFactor: 1, config: {} }])
    const sink = kafka.events({ prefix: 'p', batchBudget: () => 10_000 })
    await sink.publish('r', [record('a', '1', 1), record('b', '1', 1), record('c', '1', 1)])
    await sink.publish('r', [record('a', '2', 2), record('b', null, 2)])
    kafka.faults.failNextPublish('r')
    await expect(sink.publish('r', [record('c', 'aborted', 3)])).rejects.toThrow()
    const table = Object.fromEntries(
      kafka.compacted('t').map((r) => [r.key?.toString(), r.value?.toString() ?? null]),
    )
    expect(table).toEqual({ a: '2', b: null, c: '1' })
  })

  it('the durable writer fails on cue, retriably, having written nothing', async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([{ topic: 't', partitions: 1, replicationFactor: 1, config: {} }])
    const writer = kafka.durableWriter({ batchBudget: () => 1_000 })
    kafka.faults.failNextWrite()
    const failed = writer.write([record('a', '1', 1)])
    await expect(failed).rejects.toThrow(KafkaError)
    await expect(failed).rejects.toMatchObject({ retriable: true })
    expect(kafka.topic('t')).toEqual([])
    await writer.write([record('a', '1', 1)])
    expect(kafka.topic('t')).toHaveLength(1)
  })
})
