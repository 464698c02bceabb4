// The transactional sink against a stand-in for kafkajs' producer, which copies the one behaviour
// that matters here: a commit or abort that fails leaves kafkajs' state machine in COMMITTING or
// ABORTING, and every later transaction() throws. Seen in CI after a broker restart: a resource
// that never published again.
import type { Kafka } from 'kafkajs'
import { KafkaError, UncertainCommitError } from '../../../../src/errors'
import { createTransactionalSink } from '../../../../src/kafka/kafkajs/transactional-sink'
import type { OutgoingRecord } from '../../../../src/kafka/port'
import {
  BATCH_OVERHEAD_BYTES,
  DEFAULT_BATCH_BUDGET_BYTES,
  recordBytes,
} from '../../../../src/kafka/record-size'

type Step = 'sendBatch' | 'commit' | 'abort'

class StandInProducer {
  state: 'READY' | 'TRANSACTING' | 'COMMITTING' | 'ABORTING' = 'READY'
  commits = 0
  aborts = 0
  /** what each sendBatch was given */
  sends: { topicMessages: { topic: string; messages: { key: Buffer; value: Buffer | null }[] }[] }[] = []
  constructor(private readonly failing: Set<Step>) {}
  connect = () => Promise.resolve()
  disconnect = () => Promise.resolve()
  transaction = () => {
    if (this.state !== 'READY')
      return Promise.reject(
        new Error(`Transaction state exception: Cannot call "beginTransaction" in state "${this.state}"`),
      )
    this.state = 'TRANSACTING'
    let sent = false
    const step = (name: Step, next: 'READY', during?: 'COMMITTING' | 'ABORTING') => () => {
      if (during !== undefined) this.state = during
      // as kafkajs: ending a transaction that sent nothing asks the broker nothing, so cannot fail
      const asksBroker = name === 'sendBatch' || sent
      if (name === 'sendBatch') sent = true
      if (this.failing.has(name) && asksBroker) return Promise.reject(new Error(`Connection error: ${name}`))
      this.state = next
      if (name === 'commit') this.commits++
      if (name === 'abort') this.aborts++
      return Promise.resolve([])
    }
    return Promise.resolve({
      sendBatch: (batch: StandInProducer['sends'][number]) => {
        this.sends.push(batch)
        return step('sendBatch', 'READY')()
      },
      sendOffsets: () => Promise.resolve(),
      commit: step('commit', 'READY', 'COMMITTING'),
      abort: step('abort', 'READY', 'ABORTING'),
    })
  }
}

/** A stand-in Kafka whose n-th producer fails the steps given for it. */
function kafkaWith(failures: Step[][]) {
  const producers: StandInProducer[] = []
  const kafka = {
    producer: () => {
      const p = new StandInProducer(new Set(failures[producers.length] ?? []))
      producers.push(p)
      return p
    },
  } as unknown as Kafka
  return { kafka, producers }
}

const records = [{ topic: 't', key: Buffer.from('k'), value: Buffer.from('v') }]

describe('kafka > kafkajs > transactional sink', () => {
  it('a commit the broker did not confirm: an uncertain outcome, and the next publish goes through a new producer', async () => {
    const { kafka, producers } = kafkaWith([['commit']])
    const sink = createTransactionalSink(kafka, { transactionalId: 'p.employees' })
    await expect(sink.publish(records)).rejects.toBeInstanceOf(UncertainCommitError)
    await sink.publish(records)
    expect(producers).toHaveLength(2)
    // the new producer registered the id first (an empty transaction, aborted), then committed
    expect({ aborts: producers[1]?.aborts, commits: producers[1]?.commits }).toEqual({
      aborts: 1,
      commits: 1,
    })
  })

  it('a send that failed and was aborted keeps its producer, and says nothing was published', async () => {
    const { kafka, producers } = kafkaWith([[]])
    const sink = createTransactionalSink(kafka, { transactionalId: 'p.employees' })
    await sink.open()
    const first = producers[0] as StandInProducer
    const send = first.transaction
    let calls = 0
    first.transaction = async () => {
      const tx = await send()
      if (++calls === 1) tx.sendBatch = () => Promise.reject(new Error('Connection error: sendBatch'))
      return tx
    }
    const error = await sink.publish(records).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KafkaError)
    expect(error).not.toBeInstanceOf(UncertainCommitError)
    expect((error as Error).message).toMatch(/^Kafka transaction aborted, nothing was published/)
    await sink.publish(records)
    expect({ producers: producers.length, commits: first.commits }).toEqual({ producers: 1, commits: 1 })
  })

  it('a send whose abort failed too: the next publish goes through a new producer', async () => {
    const { kafka, producers } = kafkaWith([['sendBatch', 'abort']])
    const sink = createTransactionalSink(kafka, { transactionalId: 'p.employees' })
    await expect(sink.publish(records)).rejects.toThrow(/nothing was published/)
    await sink.publish(records)
    expect(producers.map((p) => p.commits)).toEqual([0, 1])
  })

  it('a transaction larger than a batch may be goes out in sends below the budget, in order, and commits once', async () => {
    const { kafka, producers } = kafkaWith([[]])
    const sink = createTransactionalSink(kafka, { transactionalId: 'p.custom_reports' })
    await sink.open()
    const producer = producers[0] as StandInProducer
    // 15,000 rows of a 5,000-employee report and their state records: ~7 MB, one transaction
    const many: OutgoingRecord[] = Array.from({ length: 15_000 }, (_, i) => [
      { topic: 'p.custom_reports', key: Buffer.from(`row${i}`), value: Buffer.alloc(400, 'x') },
      { topic: 'p._state', key: Buffer.from(`known/custom_reports/${i}`), value: Buffer.alloc(100, 'f') },
    ]).flat()
    await sink.publish(many)
    expect(producer.commits).toBe(1)
    const sends = producer.sends.map((s) => s.topicMessages)
    expect(sends.length).toBeGreaterThan(10)
    for (const send of sends)
      for (const { topic, messages } of send) {
        const bytes = messages.reduce((n, m) => n + recordBytes({ topic, key: m.key, value: m.value }), 0)
        expect(BATCH_OVERHEAD_BYTES + bytes).toBeLessThanOrEqual(DEFAULT_BATCH_BUDGET_BYTES)
      }
    const sent = sends.flatMap((send) =>
      send.flatMap((t) => t.messages.map((m) => `${t.topic}:${m.key.toString()}`)),
    )
    expect(sent.filter((k) => k.startsWith('p.custom_reports:'))).toEqual(
      many.filter((r) => r.topic === 'p.custom_reports').map((r) => `p.custom_reports:${r.key.toString()}`),
    )
    expect(sent).toHaveLength(many.length)
  })
})
