// A process's client of the memory broker, and its kill: from the kill on nothing the process does
// reaches the broker (not even the abort in the sink's catch block), its open transaction stays
// open until a restarted process registers the same id, and the broker keeps what it had.
import { createMemoryKafka, ProcessKilled, type MemoryKafka } from '../../../../src/kafka/memory'
import type { OutgoingRecord } from '../../../../src/kafka/port'
import { setCrashHook } from '../../../../src/ops/crash-points'

const budget = () => 512 * 1024
const record = (topic: string, key: string): OutgoingRecord => ({
  topic,
  key: Buffer.from(key),
  value: Buffer.from(key),
  timestamp: 1_000,
})
const values = (kafka: MemoryKafka, topic: string, isolation?: 'read_uncommitted') =>
  kafka.topic(topic, isolation).map((r) => r.value?.toString() ?? null)

/** Whether `promise` settled once everything already queued has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  promise.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return done
}

async function memoryKafka(): Promise<MemoryKafka> {
  const kafka = createMemoryKafka()
  const spec = (topic: string, partitions: number) => ({
    topic,
    partitions,
    replicationFactor: 1,
    config: {},
  })
  await kafka.admin.ensureTopics([spec('p.employees', 3), spec('p._state', 1)])
  return kafka
}

describe('kafka > memory > client', () => {
  afterEach(() => setCrashHook(undefined))

  it('clients share one broker: what one commits, another reads', async () => {
    const kafka = await memoryKafka()
    const sink = kafka.client().events({ prefix: 'p', batchBudget: budget })
    await sink.publish('employees', [record('p.employees', '1')])
    expect(values(kafka, 'p.employees')).toEqual(['1'])
  })

  it('killed inside a transaction: its catch does not abort it, it stays open until the id registers again', async () => {
    const kafka = await memoryKafka()
    const killed = kafka.client()
    const sink = killed.events({ prefix: 'p', batchBudget: budget })
    setCrashHook((point) => {
      if (point !== 'after-send-before-commit') return
      killed.kill()
      throw new ProcessKilled(point)
    })
    const publishing = sink.publish('employees', [record('p.employees', '1'), record('p._state', 's')])
    expect(await settled(publishing)).toBe(false)
    setCrashHook(undefined)
    // written, not decided: read_committed readers see nothing of it, nor anything after it
    expect(values(kafka, 'p._state', 'read_uncommitted')).toEqual(['s'])
    const other = kafka.client().events({ prefix: 'p', batchBudget: budget })
    await other.publish('absences', [record('p._state', 't')])
    expect(values(kafka, 'p._state')).toEqual([])

    // the restarted process registers the same transactional id: the open transaction is aborted
    await kafka.client().events({ prefix: 'p', batchBudget: budget }).open('employees')
    expect(values(kafka, 'p._state')).toEqual(['t'])
    expect(values(kafka, 'p.employees')).toEqual([])
  })

  it('killed, every call through the client never settles, and writes nothing', async () => {
    const kafka = await memoryKafka()
    const client = kafka.client()
    const sink = client.events({ prefix: 'p', batchBudget: budget })
    const writer = client.durableWriter({ batchBudget: budget })
    client.kill()
    expect(client.killed).toBe(true)
    expect(await settled(sink.publish('employees', [record('p.employees', '1')]))).toBe(false)
    expect(await settled(writer.write([record('p.employees', '2')]))).toBe(false)
    expect(await settled(client.state({ stateTopic: 'p._state', groupPrefix: 'p' }).readAfter([]))).toBe(
      false,
    )
    expect(await settled(client.close())).toBe(false)
    expect(values(kafka, 'p.employees', 'read_uncommitted')).toEqual([])
  })

  it('a killed feed is handed no further batch, and does not count as running', async () => {
    const kafka = await memoryKafka()
    const keys = ['1', '2', '3', '4', '5', '6']
    await kafka.durableWriter({ batchBudget: budget }).write(keys.map((k) => record('p.employees', k)))
    const client = kafka.client()
    const feed = client.feeds({ groupId: 'g', topics: ['p.employees'], untilCaughtUp: false })
    const batches: string[][] = []
    const running = feed.run((batch) => {
      batches.push(batch.records.map((r) => r.value?.toString() ?? ''))
      client.kill()
      return Promise.resolve()
    })
    expect(await settled(running)).toBe(false)
    await kafka.durableWriter({ batchBudget: budget }).write([record('p.employees', '7')])
    expect(await settled(running)).toBe(false)
    // one batch of one partition, the kill during it: the other partitions' batches never come
    expect(batches).toHaveLength(1)
    expect(kafka.topic('p.employees').length).toBeGreaterThan((batches[0] ?? []).length)
    expect(kafka.running()).toBe(0)
  })
})
