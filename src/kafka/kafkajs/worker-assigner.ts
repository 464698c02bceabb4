// The worker group's partition assigner on kafkajs (issue #28). kafkajs 2.2.4 speaks only the eager
// protocol: every rebalance revokes everything and the leader hands it all out again. What keeps a
// company where it runs is this assigner: each member says in its subscription what it holds now
// (userData, JSON), and the leader gives it back unless balance asks otherwise (workers/assignor.ts).
//
// The subscription also names the worker and its ops URL, so `status --group` can say who holds
// what from DescribeGroups alone, without asking the workers.
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs'
import type { Logger } from '../../ops/logger'
import { assignPartitions } from '../../workers/assignor'

export const WORKER_ASSIGNER = 'personio-kafka-sticky-companies'

/** What a member says of itself in each JoinGroup. */
export interface WorkerMetadata {
  worker: string
  opsUrl?: string
  /** partitions of the companies topic it holds now: the leader keeps them there if it can */
  owned: readonly number[]
  /** the generation it got them in: of two members claiming one partition, the later wins */
  generation?: number
  /** a member that only makes the leader assign again: it gets nothing (assignor.ts) */
  observer?: boolean
}

export function encodeWorkerMetadata(topic: string, metadata: WorkerMetadata): Buffer {
  return AssignerProtocol.MemberMetadata.encode({
    version: 0,
    topics: [topic],
    userData: Buffer.from(JSON.stringify({ v: 1, ...metadata })),
  })
}

const isPartition = (p: unknown): p is number => Number.isInteger(p) && (p as number) >= 0

/**
 * A member's subscription, as far as it can be read: another client's, an older version's or a
 * corrupt one holds nothing and has no name, rather than failing the whole rebalance.
 */
export function decodeWorkerMetadata(buffer: Buffer | null | undefined): WorkerMetadata | undefined {
  try {
    const userData = AssignerProtocol.MemberMetadata.decode(buffer ?? Buffer.alloc(0))?.userData
    const json = JSON.parse(userData?.toString('utf8') ?? '') as Record<string, unknown>
    if (typeof json !== 'object' || json === null) return undefined
    const owned = Array.isArray(json.owned) ? json.owned.filter(isPartition) : []
    return {
      worker: typeof json.worker === 'string' ? json.worker : '',
      ...(typeof json.opsUrl === 'string' ? { opsUrl: json.opsUrl } : {}),
      owned,
      ...(Number.isInteger(json.generation) ? { generation: json.generation as number } : {}),
      ...(json.observer === true ? { observer: true } : {}),
    }
  } catch {
    return undefined
  }
}

/** The (one) topic a member subscribed: the companies topic of its group. */
export function decodeSubscribedTopic(buffer: Buffer | null | undefined): string | undefined {
  try {
    return AssignerProtocol.MemberMetadata.decode(buffer ?? Buffer.alloc(0))?.topics[0]
  } catch {
    return undefined
  }
}

/** The partitions of `topic` in a member's assignment, ascending; none when it cannot be read. */
export function decodeAssignedPartitions(buffer: Buffer | null | undefined, topic: string): number[] {
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer ?? Buffer.alloc(0))
    const partitions = decoded?.assignment[topic] ?? []
    return partitions.filter(isPartition).sort((a, b) => a - b)
  } catch {
    return []
  }
}

export interface WorkerAssignerOptions {
  topic: string
  /** the count known from the topic's creation: used when the cluster's metadata lacks the topic */
  partitions: number
  /** companies per partition, as this member's directory says (used when it leads) */
  weight: (partition: number) => number
  /** this member, as it is at the moment of each JoinGroup */
  self: () => WorkerMetadata
  logger: Logger
}

export function workerAssigner(options: WorkerAssignerOptions): PartitionAssigner {
  const { topic } = options
  return ({ cluster }) => ({
    name: WORKER_ASSIGNER,
    version: 0,
    protocol: () => ({ name: WORKER_ASSIGNER, metadata: encodeWorkerMetadata(topic, options.self()) }),
    assign({ members }) {
      // kafkajs refreshed the metadata just before asking: the count the brokers have now
      let partitions = options.partitions
      try {
        partitions = cluster.findTopicPartitionMetadata(topic).length || partitions
      } catch {
        // the topic is not in the metadata: keep the count it was created with
      }
      const decoded = members.map((m) => ({
        memberId: m.memberId,
        meta: decodeWorkerMetadata(m.memberMetadata),
      }))
      const unreadable = decoded.filter((m) => m.meta === undefined).map((m) => m.memberId)
      if (unreadable.length > 0)
        options.logger.warn(
          { members: unreadable },
          `Worker group members with unreadable subscriptions (another client or version?) get partitions as if new`,
        )
      const assignment = assignPartitions({
        members: decoded.map(({ memberId, meta }) => ({
          memberId,
          owned: meta?.owned ?? [],
          ...(meta?.generation === undefined ? {} : { generation: meta.generation }),
          ...(meta?.observer === true ? { observer: true } : {}),
        })),
        partitions,
        weight: options.weight,
      })
      return Promise.resolve(
        [...assignment].map(([memberId, owned]) => ({
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 0,
            assignment: { [topic]: owned },
            userData: Buffer.alloc(0),
          }),
        })),
      )
    },
  })
}
