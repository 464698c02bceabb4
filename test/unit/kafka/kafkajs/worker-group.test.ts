// A worker's membership against a stand-in for kafkajs' consumer: when kafkajs gives up on the
// consumer with an error it does not retry itself ("Failed to find group coordinator", as a
// restarted or busy broker answers while it loads the group's offsets), the worker says it is out of
// the group, holds nothing, and joins again with a new consumer after a pause that grows; errors
// that need a person (an ACL, a session timeout the brokers refuse) end the membership in one line.
import { EventEmitter } from 'node:events'
import type { Kafka } from 'kafkajs'
import {
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs'
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
  connect = jest.fn((): Promise<void> => Promise.resolve(void (this.connected = true)))
  subscribe = jest.fn(() => Promise.resolve())
  /** kafkajs joins inside run(): a failed first join is a CRASH emitted before run() resolves */
  crashInRun?: Error
  run = jest.fn(() => {
    this.running = true
    if (this.crashInRun !== undefined) this.crashed(this.crashInRun, false)
    return Promise.resolve()
  })
  pause = jest.fn()
  disconnect = jest.fn((): Promise<void> => Promise.resolve(void (this.connected = this.running = false)))
  joined(partitions: number[], memberId: string) {
    this.emit(events.GROUP_JOIN, {
      payload: { memberId, isLeader: true, memberAssignment: { [TOPIC]: partitions } },
    })
  }
  crashed(error: Error, restart: boolean) {
    this.emit(events.CRASH, { payload: { error, restart, groupId: 'g' } })
  }
}

function fakeKafka(prepare: (c: FakeConsumer, index: number) => void = () => undefined) {
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
      prepare(c, consumers.length)
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

async function joined(prepare?: (c: FakeConsumer, index: number) => void) {
  const { kafka, consumers } = fakeKafka(prepare)
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

  it('leaving while a new try is pending: no new consumer, no timer left, the assignments complete', async () => {
    const { group, consumers, completed } = await joined()
    consumers[0]?.crashed(coordinatorNotFound(), false)
    await group.leave()
    expect(jest.getTimerCount()).toBe(0)
    await jest.advanceTimersByTimeAsync(60_000)
    expect(consumers).toHaveLength(1)
    expect(completed()).toBe(true)
  })

  it('a first join that fails inside run() (the CI case): out at once, in again with a new consumer', async () => {
    const { consumers, seen, failure } = await joined((c, i) => {
      if (i === 0) c.crashInRun = coordinatorNotFound()
    })
    expect(seen).toEqual([
      { generation: 0, memberId: '', partitions: [], rejoining: 'Failed to find group coordinator' },
    ])
    await jest.advanceTimersByTimeAsync(1_000)
    consumers[1]?.joined([0, 1, 2, 3], 'm1')
    expect(seen.at(-1)).toMatchObject({ memberId: 'm1', partitions: [0, 1, 2, 3] })
    expect(failure()).toBeUndefined()
  })

  it('a consumer replaced, or one that crashes while the worker leaves, is stopped and never heard', async () => {
    const { group, consumers, seen } = await joined()
    consumers[0]?.crashed(coordinatorNotFound(), false)
    await jest.advanceTimersByTimeAsync(1_000)
    const before = seen.length
    // the old consumer joins after all (kafkajs restarted it around our disconnect)
    consumers[0]?.joined([0, 1], 'stale')
    await jest.advanceTimersByTimeAsync(1)
    expect(seen).toHaveLength(before)
    expect(consumers[0]?.disconnect).toHaveBeenCalledTimes(2)
    consumers[1]?.joined([2, 3], 'm2')
    const leaving = group.leave()
    consumers[1]?.crashed(coordinatorNotFound(), false)
    await leaving
    await jest.advanceTimersByTimeAsync(60_000)
    expect(consumers).toHaveLength(2)
    expect(seen.at(-1)).toMatchObject({ memberId: 'm2', partitions: [2, 3] })
  })

  it('leaving while a new consumer is still joining: it is stopped once its join is done', async () => {
    let connected: () => void = () => undefined
    const { group, consumers, completed } = await joined((c, i) => {
      if (i === 1)
        c.connect.mockImplementationOnce(
          () => new Promise<void>((r) => (connected = () => r(void (c.connected = true)))),
        )
    })
    consumers[0]?.crashed(coordinatorNotFound(), false)
    await jest.advanceTimersByTimeAsync(1_000)
    expect(consumers).toHaveLength(2)
    const leaving = group.leave()
    connected()
    await leaving
    const late = consumers[1] as FakeConsumer
    expect(late.run).toHaveBeenCalled()
    expect(late.running).toBe(false)
    expect(late.disconnect.mock.invocationCallOrder.at(-1)).toBeGreaterThan(
      late.run.mock.invocationCallOrder[0] ?? Infinity,
    )
    expect(completed()).toBe(true)
  })

  it('a worker that never got into its group gives up after three minutes, saying what to check', async () => {
    const { consumers, failure } = await joined((c) => (c.crashInRun = coordinatorNotFound()))
    for (let i = 0; i < 20 && failure() === undefined; i++) await jest.advanceTimersByTimeAsync(30_000)
    expect(failure()?.message).toMatch(
      /^Worker group acme\.workers: not a member after 1[89]\d s of trying \(Failed to find group coordinator\); if the brokers answer, check that this client may DESCRIBE and READ the consumer group acme\.workers, then start it again$/,
    )
    const tries = consumers.length
    await jest.advanceTimersByTimeAsync(120_000)
    expect(consumers).toHaveLength(tries)
  })

  it('a worker that was a member once keeps trying however long the outage', async () => {
    const { consumers, failure } = await joined((c, i) => {
      if (i > 0) c.crashInRun = coordinatorNotFound()
    })
    consumers[0]?.joined([0], 'm1')
    consumers[0]?.crashed(coordinatorNotFound(), false)
    await jest.advanceTimersByTimeAsync(600_000)
    expect(failure()).toBeUndefined()
    expect(consumers.length).toBeGreaterThan(20)
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
    // as kafkajs wraps them: a non-retriable error around a protocol error, retries exhausted
    const nonRetriable = (e: Error) =>
      new (KafkaJSNonRetriableError as unknown as new (e: Error, o: { cause: Error }) => Error)(e, {
        cause: e,
      })
    const retriesExceeded = (e: Error) =>
      new (
        KafkaJSNumberOfRetriesExceeded as unknown as new (
          e: Error,
          o: { retryCount: number; retryTime: number },
        ) => Error
      )(e, { retryCount: 4, retryTime: 2_000 })
    expect(outForGood(nonRetriable(protocol('GROUP_AUTHORIZATION_FAILED')))).toBe(true)
    expect(outForGood(retriesExceeded(protocol('TOPIC_AUTHORIZATION_FAILED')))).toBe(true)
    const sasl = new (KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)('SASL failed')
    expect(outForGood(nonRetriable(sasl))).toBe(true)
    // a bug is not healed by trying again (kafkajs does not retry these either)
    expect(outForGood(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(true)

    expect(outForGood(coordinatorNotFound())).toBe(false)
    expect(outForGood(retriesExceeded(protocol('NOT_COORDINATOR_FOR_GROUP')))).toBe(false)
    expect(outForGood(retriesExceeded(protocol('GROUP_LOAD_IN_PROGRESS')))).toBe(false)
    expect(outForGood(nonRetriable(protocol('REBALANCE_IN_PROGRESS')))).toBe(false)
    expect(outForGood(new Error('Connection error'))).toBe(false)
  })

  it('waits 1 s, doubling, never more than 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(rejoinDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ])
  })
})
