// The memory state store restores capture's state as the Kafka one does — committed records only,
// in order, learned limits too — and a settling read waits until an open transaction is decided.
import { newCaptureState } from '../../../../src/capture/state/restore'
import { stateRecords } from '../../../../src/capture/state/state'
import { KafkaError, UncertainCommitError } from '../../../../src/errors'
import { createMemoryKafka, type MemoryKafka } from '../../../../src/kafka/memory'

const budget = () => 512 * 1024
const cursorOf = (at: number) => ({ v: 1 as const, resource: 'employees', snapshotDone: true, changedAt: at })

async function withState(options = {}): Promise<MemoryKafka> {
  const kafka = createMemoryKafka(options)
  await kafka.admin.ensureTopics([{ topic: 'p._state', partitions: 1, replicationFactor: 1, config: {} }])
  return kafka
}
const publishCursor = (kafka: MemoryKafka, at: number) =>
  kafka
    .events({ prefix: 'p', batchBudget: budget })
    .publish(
      'employees',
      stateRecords('p._state', { resource: 'employees', known: new Map(), cursor: cursorOf(at) }, 1_000),
    )

describe('kafka > memory > state-store', () => {
  it('restores the committed state, the last value of each key winning', async () => {
    const kafka = await withState()
    await publishCursor(kafka, 1_000)
    await publishCursor(kafka, 2_000)
    kafka.faults.failNextPublish('employees')
    await expect(publishCursor(kafka, 3_000)).rejects.toThrow()
    const limits = { load: jest.fn() }
    const state = await kafka
      .state({ stateTopic: 'p._state', groupPrefix: 'c.p' })
      .restore(newCaptureState(), limits)
    expect(state.cursor('employees')).toMatchObject({ changedAt: 2_000 })
    expect(limits.load).toHaveBeenCalledTimes(2)
  })

  it('readAfter waits until the offsets of an unconfirmed commit are decided, then reads', async () => {
    const kafka = await withState()
    const events = kafka.events({ prefix: 'p', batchBudget: budget })
    await publishCursor(kafka, 1_000)
    kafka.faults.uncertainNextPublish('employees', { committed: false })
    const error = await events
      .publish(
        'employees',
        stateRecords('p._state', { resource: 'employees', known: new Map(), cursor: cursorOf(4_000) }, 1),
      )
      .then(
        () => undefined,
        (e: unknown) => e as UncertainCommitError,
      )
    const after = (error?.written ?? []).map((w) => BigInt(w.baseOffset ?? '-1'))
    expect(after).toEqual([2n])
    let read = false
    const reading = kafka
      .state({ stateTopic: 'p._state', groupPrefix: 'c.p' })
      .readAfter(after)
      .finally(() => (read = true))
    await new Promise((r) => setImmediate(r))
    expect(read).toBe(false)
    await events.open('employees') // registering again aborts it
    const state = await reading
    expect(state.cursor('employees')).toMatchObject({ changedAt: 1_000 })
  })

  it('readAfter gives up, retriably, when the transaction stays open', async () => {
    const kafka = await withState({ readAfterWaitMs: 20 })
    kafka.faults.uncertainNextPublish('employees', { committed: false })
    await expect(publishCursor(kafka, 4_000)).rejects.toThrow()
    const reading = kafka.state({ stateTopic: 'p._state', groupPrefix: 'c.p' }).readAfter([0n])
    await expect(reading).rejects.toThrow(KafkaError)
    await expect(reading).rejects.toMatchObject({ retriable: true })
  })
})
