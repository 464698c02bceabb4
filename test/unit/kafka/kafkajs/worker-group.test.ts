// A worker's membership against a stand-in for kafkajs' consumer: when kafkajs gives up on the
// consumer with an error it does not retry itself ("Failed to find group coordinator", as a
// restarted or busy broker answers while it loads the group's offsets), the worker says it is out of
// the group, holds nothing, and joins again with a new consumer after a pause that grows; errors
// that need a person (an ACL, a session timeout the brokers refuse) end the membership in one line.
import { EventEmitter } from 'node:events'
import type { Kafka } from 'kafkajs'
import { KafkaJSGroupCoordinatorNotFound, KafkaJSProtocolError } from 'kafkajs'
import { joinWorkerGroup } from '../../../../src/kafka/kafkajs/worker-group'
import { outForGood, rejoinDelayMs } from '../../../../src/kafka/kafkajs/group-errors'
import { silentLogger } from '../../../../src/ops/logger'
import type { Assignment, WorkerGroupOptions } from '../../../../src/workers/membership'

const TOPIC = 'acme.companies'
const events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' } as const

class FakeConsumer extends EventEmitter {
  readonly events = events
  connected = false
  running = false
  connect = jest.fn(() => Promise.resolve(void (this.connected = true)))
  subscribe = jest.fn(() => Promise.resolve())
  run = jest.fn(() => Promise.resolve(void (this.running = true)))
  pause = jest.fn()
  disconnect = jest.fn(() => Promise.resolve(void (this.connected = this.running = false)))
  joined(partitions: number[], memberId: string) {
    this.emit(events.GROUP_JOIN, {
      payload: { memberId, isLeader: true, memberAssignment: { [TOPIC]: partitions } },
    })
  }
  crashed(error: Error, restart: boolean) {
    this.emit(events.CRASH, { payload: { error, restart, groupId: 'g' } })
  }
}

function fakeKafka() {
  const consumers: FakeConsumer[] = []
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    listTopics: () => Promise.resolve([TOPIC]),
    fetchTopicMetadata: () =>
      Promise.resolve({
        topics: [{ name: TOPIC, partitions: [0, 1, 2, 3].map((partitionId) => ({ partitionId })) }],
      }),
  }
  const kafka = {
    admin: () => admin,
    consumer: () => {
      const c = new FakeConsumer()
      consumers.push(c)
      return c
    },
  } as unknown as Kafka
  return { kafka, consumers }
}

const options: WorkerGroupOptions = {
  groupId: 'acme.workers',
  topic: TOPIC,
  partitions: 4,
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 1_000,
  worker: { name: 'w1' },
  weight: () => 1,
}

async function joined() {
  const { kafka, consumers } = fakeKafka()
  const group = await joinWorkerGroup(kafka, options, silentLogger)
  const seen: Assignment[] = []
  let failure: Error | undefined
  let completed = false
  group.assignments.subscribe({
    next: (a) => void seen.push(a),
    error: (e: Error) => void (failure = e),
    complete: () => void (completed = true),
  })
  return { group, consumers, seen, failure: () => failure, completed: () => completed }
}

// kafkajs' own error classes, built as kafkajs builds them (its typings omit these constructors)
const coordinatorNotFound = (): Error =>
  new (KafkaJSGroupCoordinatorNotFound as unknown as new (message: string) => Error)(
    'Failed to find group coordinator',
  )
type ProtocolError = { type: string; code: number; retriable: boolean; message: string }
const protocolError = (e: ProtocolError): Error =>
  new (KafkaJSProtocolError as unknown as new (e: ProtocolError) => Error)(e)

describe('kafka > kafkajs > worker group > out of the group', () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  it('joins again with a new consumer when kafkajs gives up on a lost coordinator, holding nothing meanwhile', async () => {
    const { consumers, seen, failure } = await joined()
    consumers[0]?.joined([0, 1, 2, 3], 'm1')
    consumers[0]?.crashed(coordinatorNotFound(), false)

    expect(seen.at(-1)).toMatchObject({ partitions: [], rejoining: 'Failed to find group coordinator' })
    expect(consumers[0]?.disconnect).toHaveBeenCalled()
    await jest.advanceTimersByTimeAsync(999)
    expect(consumers).toHaveLength(1)
    await jest.advanceTimersByTimeAsync(1)
    expect(consumers).toHaveLength(2)
    expect(consumers[1]?.running).toBe(true)

    consumers[1]?.joined([2, 3], 'm2')
    expect(seen.at(-1)).toEqual({ generation: 2, memberId: 'm2', partitions: [2, 3], leader: true })
    expect(failure()).toBeUndefined()
  })

  it('waits longer after each failed try, and from 1 s again once it was a member', async () => {
    const { consumers } = await joined()
    consumers[0]?.crashed(coordinatorNotFound(), false)
    await jest.advanceTimersByTimeAsync(1_000)
    consumers[1]?.crashed(coordinatorNotFound(), false)
    await jest.advanceTimersByTimeAsync(1_999)
    expect(consumers).toHaveLength(2)
    await jest.advanceTimersByTimeAsync(1)
    expect(consumers).toHaveLength(3)
    consumers[2]?.joined([0], 'm3')
    consumers[2]?.crashed(coordinatorNotFound(), false)
    await jest.advanceTimersByTimeAsync(1_000)
    expect(consumers).toHaveLength(4)
  })

  it('tries again when the new consumer cannot even connect (the broker still down)', async () => {
    const { kafka, consumers } = fakeKafka()
    await joinWorkerGroup(kafka, options, silentLogger)
    consumers[0]?.crashed(coordinatorNotFound(), false)
    const next = jest.spyOn(kafka, 'consumer').mockImplementationOnce(() => {
      const c = new FakeConsumer()
      c.connect.mockRejectedValueOnce(new Error('Connection error: connect ECONNREFUSED'))
      consumers.push(c)
      return c as never
    })
    await jest.advanceTimersByTimeAsync(1_000)
    expect(next).toHaveBeenCalledTimes(1)
    expect(consumers).toHaveLength(2)
    await jest.advanceTimersByTimeAsync(2_000)
    expect(consumers).toHaveLength(3)
    expect(consumers[2]?.running).toBe(true)
  })

  it('lets kafkajs restart a consumer it restarts itself, saying the worker is out meanwhile', async () => {
    const { consumers, seen } = await joined()
    consumers[0]?.joined([0, 1], 'm1')
    consumers[0]?.crashed(new Error('Connection error: connect ECONNREFUSED'), true)
    expect(seen.at(-1)).toMatchObject({ partitions: [], rejoining: 'Connection error: connect ECONNREFUSED' })
    await jest.advanceTimersByTimeAsync(60_000)
    expect(consumers).toHaveLength(1)
    expect(consumers[0]?.disconnect).not.toHaveBeenCalled()
  })

  it('ends the membership in one line when the brokers refuse the worker as configured', async () => {
    const { consumers, failure } = await joined()
    consumers[0]?.crashed(
      protocolError({
        type: 'GROUP_AUTHORIZATION_FAILED',
        code: 30,
        retriable: false,
        message: 'Not authorized to access group',
      }),
      false,
    )
    expect(failure()?.message).toBe(
      'Worker group acme.workers: the brokers refuse this worker (Not authorized to access group). ' +
        'Check that its credentials may join the group and read the companies topic, then start it again.',
    )
    await jest.advanceTimersByTimeAsync(60_000)
    expect(consumers).toHaveLength(1)
  })

  it('leaving while a new try is pending: no new consumer, the assignments complete', async () => {
    const { group, consumers, completed } = await joined()
    consumers[0]?.crashed(coordinatorNotFound(), false)
    await group.leave()
    await jest.advanceTimersByTimeAsync(60_000)
    expect(consumers).toHaveLength(1)
    expect(completed()).toBe(true)
  })
})

describe('kafka > kafkajs > group errors', () => {
  it('a worker stays out only for what needs a person', () => {
    const protocol = (type: string) => protocolError({ type, code: 0, retriable: false, message: type })
    expect(outForGood(protocol('INVALID_SESSION_TIMEOUT'))).toBe(true)
    expect(outForGood(protocol('TOPIC_AUTHORIZATION_FAILED'))).toBe(true)
    expect(
      outForGood(Object.assign(new Error('wrapped'), { cause: protocol('GROUP_AUTHORIZATION_FAILED') })),
    ).toBe(true)
    expect(outForGood(coordinatorNotFound())).toBe(false)
    expect(outForGood(protocol('NOT_COORDINATOR'))).toBe(false)
    expect(outForGood(protocol('COORDINATOR_LOAD_IN_PROGRESS'))).toBe(false)
    expect(outForGood(new Error('Connection error'))).toBe(false)
  })

  it('waits 1 s, doubling, never more than 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(rejoinDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ])
  })
})
