// A resource's transactional writer in memory fails as the kafkajs one does, and a transaction is
// all or nothing for every reader: what capture's commit, settle and fencing rules are tested on.
import { FencedError, KafkaError, UncertainCommitError } from '../../../../src/errors'
import { createMemoryKafka, type MemoryKafka } from '../../../../src/kafka/memory'
import type { OutgoingRecord } from '../../../../src/kafka/port'
import { setCrashHook } from '../../../../src/ops/crash-points'

const budget = () => 512 * 1024
const record = (topic: string, key: string, value: string | null = key): OutgoingRecord => ({
  topic,
  key: Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  timestamp: 1_000,
})
const values = (kafka: MemoryKafka, topic: string, isolation?: 'read_uncommitted') =>
  kafka.topic(topic, isolation).map((r) => r.value?.toString() ?? null)

async function memoryKafka(): Promise<MemoryKafka> {
  const kafka = createMemoryKafka()
  const spec = (topic: string, partitions: number) => ({
    topic,
    partitions,
    replicationFactor: 1,
    config: {},
  })
  await kafka.admin.ensureTopics([spec('p.employees', 3), spec('p._state', 1), spec('p.inbox', 2)])
  return kafka
}

describe('kafka > memory > sink', () => {
  afterEach(() => setCrashHook(undefined))

  it('publishes a transaction whole: events and state visible together', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    await sink.publish('employees', [record('p.employees', '1'), record('p._state', 'cursor/employees')])
    expect(values(kafka, 'p.employees')).toEqual(['1'])
    expect(values(kafka, 'p._state')).toEqual(['cursor/employees'])
  })

  it('an aborted transaction is invisible to read_committed readers, though its records took offsets', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    kafka.faults.failNextPublish('employees')
    const failed = sink.publish('employees', [
      record('p.employees', '1'),
      record('p._state', 'cursor/employees'),
    ])
    await expect(failed).rejects.toThrow(KafkaError)
    await expect(failed).rejects.toMatchObject({ retriable: true })
    expect(values(kafka, 'p.employees')).toEqual([])
    expect(values(kafka, 'p._state')).toEqual([])
    expect(values(kafka, 'p._state', 'read_uncommitted')).toEqual(['cursor/employees'])
    await sink.publish('employees', [record('p._state', 'cursor/employees', 'again')])
    // the aborted record and its marker come first: offsets have gaps, as on a broker
    expect(kafka.topic('p._state').map((r) => [r.offset, r.value?.toString()])).toEqual([['2', 'again']])
  })

  it('a failure half-way through a large transaction leaves nothing visible', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: () => 200 })
    setCrashHook((point) => {
      if (point === 'after-send-before-commit') throw new Error('crash')
    })
    const many = Array.from({ length: 20 }, (_, i) => record('p.employees', `k${i}`, 'x'.repeat(50)))
    await expect(sink.publish('employees', many)).rejects.toThrow('nothing was published')
    expect(kafka.topic('p.employees', 'read_uncommitted')).toHaveLength(20)
    expect(kafka.topic('p.employees')).toEqual([])
  })

  it('a second writer of the same prefix and resource fences the first', async () => {
    const kafka = await memoryKafka()
    const first = kafka.events({ prefix: 'p', batchBudget: budget })
    await first.publish('employees', [record('p.employees', '1')])
    const second = kafka.events({ prefix: 'p', batchBudget: budget })
    await second.open('employees')
    const fenced = first.publish('employees', [record('p.employees', '2')])
    await expect(fenced).rejects.toThrow(FencedError)
    await expect(fenced).rejects.toMatchObject({ retriable: false })
    // another resource and another prefix are other transactional ids: not fenced
    await first.publish('absences', [record('p.employees', '3')])
    await kafka.events({ prefix: 'q', batchBudget: budget }).open('employees')
    await second.publish('employees', [record('p.employees', '4')])
    expect(values(kafka, 'p.employees').sort()).toEqual(['1', '3', '4'])
  })

  it("a writer registering mid-transaction aborts the older one's open transaction", async () => {
    const kafka = await memoryKafka()
    const first = kafka.events({ prefix: 'p', batchBudget: () => 100 })
    const second = kafka.events({ prefix: 'p', batchBudget: budget })
    // the newer instance registers once the older one's records are sent, before its commit
    setCrashHook((point) => {
      if (point === 'after-send-before-commit') void second.open('employees')
    })
    const many = Array.from({ length: 10 }, (_, i) => record('p.employees', `k${i}`, 'x'.repeat(50)))
    await expect(first.publish('employees', many)).rejects.toThrow(FencedError)
    expect(kafka.topic('p.employees', 'read_uncommitted')).toHaveLength(10)
    expect(kafka.topic('p.employees')).toEqual([])
  })

  it('fence() fences the writers of the ids it is given', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    await sink.open('employees')
    await kafka.fence(['personio-kafka.p.employees'])
    await expect(sink.publish('employees', [record('p.employees', '1')])).rejects.toThrow(FencedError)
  })

  it('an unconfirmed commit the coordinator had is visible at once; `written` names its offsets', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    await sink.publish('employees', [record('p._state', 'before')])
    kafka.faults.uncertainNextPublish('employees', { committed: true })
    const error = await sink.publish('employees', [record('p._state', 'cursor')]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UncertainCommitError)
    expect((error as UncertainCommitError).retriable).toBe(true)
    expect((error as UncertainCommitError).written).toEqual([
      { topicName: 'p._state', partition: 0, baseOffset: '2' },
    ])
    expect(values(kafka, 'p._state')).toEqual(['before', 'cursor'])
  })

  it('an unconfirmed commit it did not have holds readers back until the id registers again, then aborts', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    kafka.faults.uncertainNextPublish('employees', { committed: false })
    await expect(sink.publish('employees', [record('p._state', 'lost')])).rejects.toThrow(
      UncertainCommitError,
    )
    // another resource commits after it: the open transaction holds its record back too
    await sink.publish('absences', [record('p._state', 'later')])
    expect(values(kafka, 'p._state')).toEqual([])
    await sink.open('employees')
    expect(values(kafka, 'p._state')).toEqual(['later'])
  })

  it("commits a group's consumed offsets with the transaction, and only when it commits", async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    const consumed = (offset: string) => ({
      groupId: 'g',
      offsets: [{ topic: 'p.inbox', partition: 1, offset }],
    })
    // the transaction fails once its offsets are in it: they are aborted with it
    setCrashHook((point) => {
      if (point === 'after-offsets-before-commit') throw new Error('crash')
    })
    await expect(sink.publish('employees', [record('p.employees', '1')], consumed('5'))).rejects.toThrow()
    setCrashHook(undefined)
    expect(kafka.groupOffsets('g')).toEqual({})
    await sink.publish('employees', [record('p.employees', '1')], consumed('5'))
    expect(kafka.groupOffsets('g')).toEqual({ 'p.inbox#1': 5 })
    await sink.publish('employees', [], consumed('7'))
    expect(kafka.groupOffsets('g')).toEqual({ 'p.inbox#1': 7 })
  })

  it("refuses a batch above the topic's max.message.bytes, as the broker does", async () => {
    const kafka = createMemoryKafka()
    await kafka.admin.ensureTopics([
      { topic: 'p.small', partitions: 1, replicationFactor: 1, config: { 'max.message.bytes': '200' } },
    ])
    const sink = kafka.events({ prefix: 'p', batchBudget: () => 100_000 })
    await expect(sink.publish('small', [record('p.small', 'k', 'x'.repeat(300))])).rejects.toThrow(
      /larger than the max message size/,
    )
    // cut below the limit by the batch budget, many small records pass
    const fitting = kafka.events({ prefix: 'p', batchBudget: () => 150 })
    const few = Array.from({ length: 5 }, (_, i) => record('p.small', `k${i}`, 'x'.repeat(40)))
    await fitting.publish('small', few)
    expect(kafka.topic('p.small')).toHaveLength(5)
  })

  it('refuses a topic that does not exist', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    await expect(sink.publish('x', [record('p.nowhere', '1')])).rejects.toThrow(/does not host/)
  })

  it('places records by key: one key, one partition, in order', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.events({ prefix: 'p', batchBudget: budget })
    for (const v of ['a', 'b', 'c']) await sink.publish('employees', [record('p.employees', 'same', v)])
    const records = kafka.topic('p.employees')
    expect(new Set(records.map((r) => r.partition)).size).toBe(1)
    expect(records.map((r) => r.value?.toString())).toEqual(['a', 'b', 'c'])
  })
})
