// What a worker learns from Kafka's group protocol (issue #28): which partitions of the companies
// topic it holds in each generation. A company runs on the worker that holds the partition its id
// hashes to (companies/partition.ts), so Kafka's coordinator — not one of ours — decides who
// runs what, notices a worker gone within session.timeout.ms, and rebalances.
import type { Observable } from 'rxjs'

export interface Assignment {
  generation: number
  memberId: string
  /** partitions of the companies topic this worker holds, ascending */
  partitions: readonly number[]
  /** this worker assigned them (the group's leader): it is the one to ask for a rebalance */
  leader?: boolean
  /**
   * set while the worker is out of the group and joining again (it holds nothing meanwhile): why
   * it lost its membership, as the brokers or the client said it
   */
  rejoining?: string
}

/** Why a worker is not ready as far as its membership goes: never joined, or out and joining again. */
export function membershipReasons(assignment: Assignment | undefined): string[] {
  if (assignment === undefined) return ['not yet a member of the workers group']
  if (assignment.rejoining !== undefined)
    return [`out of the workers group, joining again (${assignment.rejoining})`]
  return []
}

/** One member of the group as the brokers describe it (status --group). */
export interface GroupMember {
  memberId: string
  /** WORKER_NAME of the member (from its subscription metadata) */
  worker: string
  /** where its ops endpoint answers, when it has one */
  opsUrl?: string
  clientHost: string
  partitions: readonly number[]
}

export interface WorkerGroupOptions {
  groupId: string
  /** the companies topic: its partitions are the units of assignment; created when missing */
  topic: string
  partitions: number
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  worker: { name: string; opsUrl?: string }
  /**
   * the leader balances by this: companies per partition as its directory says, hashed over
   * `partitions`, the topic's actual count (known before joinWorkerGroup returns it)
   */
  weight(partition: number, partitions: number): number
}

export interface WorkerGroup {
  /**
   * the companies topic's actual partition count: options.partitions unless the topic already
   * existed with another count. companyPartition() must use this one.
   */
  partitions: number
  /** every assignment, from the first join on; completes after `leave` */
  assignments: Observable<Assignment>
  /** leaves the group (the others rebalance at once); call after the companies stopped */
  leave(): Promise<void>
  /**
   * Makes the group assign again when the weights changed (companies added or removed) so that a
   * new assignment would move something; resolves whether it did. A short-lived member that holds
   * nothing joins and leaves: two rebalances, and companies that stay put keep running.
   */
  rebalance(): Promise<boolean>
}

export interface WorkerGroupDescription {
  state: string
  members: GroupMember[]
}
