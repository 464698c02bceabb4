// Workers balanced by Kafka's group protocol (issue #28), on kafkajs: a consumer group over the
// companies topic whose only product is its assignment. Kafka's coordinator decides who is a
// member, expels one that stops heartbeating within session.timeout.ms, and makes the group
// rebalance; our assigner (worker-assigner.ts) decides who holds what. The consumer never needs a
// record: its partitions are paused at every join, so its fetch loop only sleeps and heartbeats.
//
// Heartbeats without records: kafkajs heartbeats from its fetch loop, after every fetch that
// brought nothing (runner.js `fetch`: no batches → heartbeat) and, with every partition paused,
// after sleeping maxWaitTimeInMs in place of the fetch (consumerGroup.js `fetch`). With that wait
// equal to the heartbeat interval, a heartbeat goes out about once per interval, and a rebalance
// begun by another member is noticed by the next one (REBALANCE_IN_PROGRESS → rejoin): within about
// one interval.
import './aborted-filter' // before kafkajs: see that file
import type { Consumer, Kafka } from 'kafkajs'
import { ReplaySubject } from 'rxjs'
import { KafkaError } from '../../errors'
import type { Logger } from '../../ops/logger'
import type {
  Assignment,
  GroupMember,
  WorkerGroup,
  WorkerGroupDescription,
  WorkerGroupOptions,
} from '../../workers/membership'
import {
  groupAccessHint,
  groupFailure,
  NEVER_JOINED_PATIENCE_MS,
  neverJoined,
  outForGood,
  rejoinDelayMs,
  WARN_AGAIN_EVERY,
} from './group-errors'
import { tapJoinGeneration } from './join-generation'
import {
  decodeAssignedPartitions,
  decodeSubscribedTopic,
  decodeWorkerMetadata,
  workerAssigner,
} from './worker-assigner'
import { ensureCompaniesTopic } from './worker-group-topic'
import { wouldMove } from '../../workers/assignor'

/** How every member of the group (a worker, or an observer asking for a rebalance) joins it. */
function memberSettings(options: WorkerGroupOptions) {
  return {
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs,
    // the time members have to rejoin once a rebalance began: about one session
    rebalanceTimeout: options.sessionTimeoutMs,
    heartbeatInterval: options.heartbeatIntervalMs,
    maxWaitTimeInMs: options.heartbeatIntervalMs,
    allowAutoTopicCreation: false,
  }
}

export async function joinWorkerGroup(
  kafka: Kafka,
  options: WorkerGroupOptions,
  logger: Logger,
): Promise<WorkerGroup> {
  const { topic, groupId } = options
  const log = logger.child({ component: 'worker-group', group: groupId })
  if (!(options.heartbeatIntervalMs < options.sessionTimeoutMs))
    throw new KafkaError(
      `WORKER_HEARTBEAT_MS=${options.heartbeatIntervalMs} must be below WORKER_SESSION_TIMEOUT_MS=${options.sessionTimeoutMs} ` +
        '(a third of it or less: a worker misses up to two heartbeats before the group expels it)',
    )
  const admin = kafka.admin()
  let partitions: number
  try {
    await admin.connect()
    partitions = await ensureCompaniesTopic(admin, {
      topic,
      partitions: options.partitions,
      warn: (message) => log.warn(message),
    })
  } finally {
    await admin.disconnect().catch(() => undefined)
  }

  let owned: readonly number[] = []
  let joinedGeneration: number | undefined
  let joins = 0
  let lastGeneration: number | undefined
  const assignments = new ReplaySubject<Assignment>(1)

  let attempts = 0
  let everJoined = false
  /** out of the group since the last join (said once at warn level per outage) */
  let out = false
  const firstTryAt = Date.now()
  let pending: (() => void) | undefined
  let joining: Promise<void> | undefined
  let leaving: Promise<void> | undefined
  let current: Consumer | undefined

  /**
   * A consumer that is not ours any more (replaced, or we are leaving) but still alive: kafkajs may
   * have armed its own restart, or joined, around our disconnect. Stopped once kafkajs is done
   * with the event, so the stop clears what it armed.
   */
  const retire = (consumer: Consumer) =>
    void setImmediate(() => void consumer.disconnect().catch(() => undefined))

  /** A consumer that joins the group; its events count only while it is the current one. */
  const member = () => {
    const consumer: Consumer = kafka.consumer({
      ...memberSettings(options),
      partitionAssigners: [
        (config) => {
          tapJoinGeneration(config.cluster, (generation) => (joinedGeneration = generation))
          return workerAssigner({
            topic,
            partitions,
            weight: (p) => {
              try {
                return options.weight(p, partitions)
              } catch {
                return 0
              }
            },
            self: () => ({
              worker: options.worker.name,
              ...(options.worker.opsUrl === undefined ? {} : { opsUrl: options.worker.opsUrl }),
              owned,
              ...(lastGeneration === undefined ? {} : { generation: lastGeneration }),
            }),
            logger: log,
          })(config)
        },
      ],
    })
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (consumer !== current || leaving !== undefined) return retire(consumer)
      attempts = 0
      out = false
      everJoined = true
      joins += 1
      const generation = joinedGeneration ?? joins
      const mine = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b)
      owned = mine
      lastGeneration = generation
      try {
        consumer.pause([{ topic }])
      } catch {
        // not running any more: nothing to fetch anyway
      }
      log.info(
        { generation, memberId: payload.memberId, leader: payload.isLeader, partitions: mine.length },
        'Joined the worker group',
      )
      assignments.next({ generation, memberId: payload.memberId, partitions: mine, leader: payload.isLeader })
    })
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (consumer !== current || leaving !== undefined) return retire(consumer)
      if (!payload.restart && outForGood(payload.error)) {
        current = undefined
        assignments.error(groupFailure(options, payload.error))
        return
      }
      // Out of the group: kafkajs left it (or never got in), so the others take these companies
      // over; they stop here gracefully rather than be fenced back and forth.
      const why = payload.error.message
      assignments.next({ generation: lastGeneration ?? 0, memberId: '', partitions: [], rejoining: why })
      const firstOut = !out
      out = true
      if (payload.restart) {
        if (firstOut)
          log.warn(
            { error: why },
            `Worker group ${groupId}: the consumer failed and rejoins by itself; its companies stop until it is a member again`,
          )
        return
      }
      rejoinLater(payload.error)
    })
    return consumer
  }

  /** kafkajs gave up on the current consumer: a new one joins after a pause, as often as it takes. */
  const rejoinLater = (error: Error) => {
    const gone = current
    current = undefined
    if (gone !== undefined) void gone.disconnect().catch(() => undefined)
    const waitedMs = Date.now() - firstTryAt
    if (!everJoined && waitedMs > NEVER_JOINED_PATIENCE_MS) {
      assignments.error(neverJoined(options, error, waitedMs))
      return
    }
    attempts += 1
    const waitMs = rejoinDelayMs(attempts)
    // said when the worker falls out, and again now and then while it stays out; /readyz all along
    const say = attempts === 1 || attempts % WARN_AGAIN_EVERY === 0
    log[say ? 'warn' : 'debug'](
      { error: error.message, attempt: attempts },
      `Worker group ${groupId}: out of the group (${error.message}); this worker holds no companies until it ` +
        `joins again, in ${waitMs / 1000} s` +
        (attempts === 1 ? '' : ` (try ${attempts}; ${groupAccessHint(groupId)})`),
    )
    const timer = setTimeout(() => {
      pending = undefined
      if (leaving !== undefined) return
      const next = member()
      current = next
      joining = join(next).catch((failure: unknown) => {
        if (current !== next || leaving !== undefined) return
        if (outForGood(failure)) {
          current = undefined
          assignments.error(groupFailure(options, failure))
        } else rejoinLater(failure as Error)
      })
    }, waitMs)
    pending = () => clearTimeout(timer)
  }

  const join = async (consumer: Consumer) => {
    try {
      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: false })
      // Never called with records (every partition is paused); nothing is ever committed.
      await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() })
    } catch (error) {
      await consumer.disconnect().catch(() => undefined)
      throw error
    }
  }

  current = member()
  try {
    await join(current)
  } catch (error) {
    throw new KafkaError(
      `Cannot join the worker group ${groupId}: ${(error as Error).message}. ` +
        'Check KAFKA_BROKERS and that this client may join the group and read the companies topic.',
      { cause: error, retriable: true },
    )
  }

  let rebalancing: Promise<boolean> | undefined
  return {
    partitions,
    assignments: assignments.asObservable(),
    rebalance() {
      rebalancing ??= rebalanceIfItHelps(kafka, options, partitions, log).finally(() => {
        rebalancing = undefined
      })
      return rebalancing
    },
    leave() {
      leaving ??= (async () => {
        pending?.()
        try {
          // a join in flight finishes first: a disconnect during it would not hold, as kafkajs'
          // run() connects again by itself
          await joining
          // LeaveGroup: the coordinator rebalances the others at once, without waiting for a session
          await current?.disconnect()
        } finally {
          assignments.complete()
        }
      })()
      return leaving
    },
  }
}

/**
 * A rebalance, when one would move something: the group as the brokers describe it, assigned again
 * with today's weights; if any partition would move, a member that holds nothing (an observer) joins
 * — the leader assigns with the new weights — and leaves at once (it held nothing: that second
 * rebalance moves nothing). kafkajs has no call to ask for a rebalance; a join is what asks.
 */
async function rebalanceIfItHelps(
  kafka: Kafka,
  options: WorkerGroupOptions,
  partitions: number,
  log: Logger,
): Promise<boolean> {
  const group = await describeWorkerGroup(kafka, options.groupId)
  if (group.state !== 'Stable' || group.members.length < 2) return false
  const helps = wouldMove({
    members: group.members.map((m) => ({ memberId: m.memberId, owned: m.partitions })),
    partitions,
    weight: (p) => options.weight(p, partitions),
  })
  if (!helps) return false
  log.info('the companies changed so that the group is out of balance: asking it to assign again')
  const observer = kafka.consumer({
    ...memberSettings(options),
    partitionAssigners: [
      workerAssigner({
        topic: options.topic,
        partitions,
        weight: (p) => options.weight(p, partitions),
        self: () => ({ worker: `${options.worker.name} (rebalancing)`, owned: [], observer: true }),
        logger: log,
      }),
    ],
  })
  try {
    const joined = new Promise<void>((resolve) => observer.on(observer.events.GROUP_JOIN, () => resolve()))
    await observer.connect()
    await observer.subscribe({ topics: [options.topic], fromBeginning: false })
    await observer.run({ autoCommit: false, eachBatch: () => Promise.resolve() })
    await Promise.race([
      joined,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error('the rebalance did not complete')),
          2 * options.sessionTimeoutMs,
        ).unref(),
      ),
    ])
    return true
  } finally {
    await observer.disconnect().catch(() => undefined)
  }
}

/** Who holds what in a worker group, from DescribeGroups alone (without joining it). */
export async function describeWorkerGroup(kafka: Kafka, groupId: string): Promise<WorkerGroupDescription> {
  const admin = kafka.admin()
  try {
    await admin.connect()
    const { groups } = await admin.describeGroups([groupId])
    const group = groups.find((g) => g.groupId === groupId)
    if (group === undefined) return { state: 'Dead', members: [] }
    const members = group.members.map((m): GroupMember => {
      const meta = decodeWorkerMetadata(m.memberMetadata)
      // the companies topic is the one topic of the member's subscription
      const topic = decodeSubscribedTopic(m.memberMetadata)
      return {
        memberId: m.memberId,
        worker: meta?.worker || m.clientId,
        ...(meta?.opsUrl === undefined ? {} : { opsUrl: meta.opsUrl }),
        clientHost: m.clientHost,
        partitions: topic === undefined ? [] : decodeAssignedPartitions(m.memberAssignment, topic),
      }
    })
    members.sort((a, b) =>
      a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : a.memberId < b.memberId ? -1 : 1,
    )
    return { state: group.state, members }
  } catch (error) {
    throw new KafkaError(
      `Cannot describe the worker group ${groupId}: ${(error as Error).message}. ` +
        'Check KAFKA_BROKERS and that this client may describe the group.',
      { cause: error, retriable: true },
    )
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}
