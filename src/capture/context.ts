// Everything a capture cycle or stage touches, wired once by the engine (engine.ts) and passed
// down: the Personio client, the contract, one transactional sink per resource, the state, the
// settings and a clock. Nothing here decides *when*; the coordinator does.
import type { DeleteMode, KeyFormat } from '../config'
import type { FieldPolicy } from '../contract/field-policy'
import type { SchemaRegistryClient } from '../contract/registry'
import type { Serde } from '../contract/serde'
import type { TransactionalSink } from '../kafka/port'
import type { Logger } from '../ops/logger'
import type { PersonioHttp } from '../personio/client'
import type { ResourceName } from '../resources'
import type { ResourceSettings } from './engine/settings'
import type { LimitsLedger } from './state/learned-limits'
import type { CaptureMemory } from './state/memory'
import type { CaptureState } from './state/state'

export interface Clock {
  now(): number
}

export interface CaptureContext {
  http: PersonioHttp
  registry: SchemaRegistryClient
  serde: Serde
  sinkFor(resource: ResourceName): TransactionalSink
  state: CaptureState
  prefix: string
  stateTopic: string
  dlqTopic: string
  keyFormat: KeyFormat
  deleteMode: DeleteMode
  settings: Readonly<Record<ResourceName, ResourceSettings>>
  maxTransactionRecords: number
  /** a topic's max.message.bytes: a record that does not fit alone in a batch is dead-lettered */
  messageLimit(topic: string): number
  /** fields dropped or hashed before anything is fingerprinted, encoded or dead-lettered */
  fieldPolicy: FieldPolicy
  clock: Clock
  logger: Logger
  /** share of a resource's known keys one listing may delete before its deletes wait for a second listing */
  deleteGuardShare: number
  /** what capture remembers between transactions, this engine's alone */
  memory: CaptureMemory
  /** the Personio client's learned paces, written along with a commit now and then */
  limits: LimitsLedger
  /**
   * The state topic read back, read_committed, once its committed end has passed `after` (offsets
   * of its one partition whose transaction is decided): settles a commit Kafka did not confirm.
   */
  readState(after: readonly bigint[]): Promise<CaptureState>
  /** Runs `work` when the resource's previous transaction is done: one transaction in flight per resource. */
  serial<T>(resource: ResourceName, work: () => Promise<T>): Promise<T>
  /**
   * Aborted when the service stops: Personio reads end at once, no new transaction begins, and the
   * one in flight finishes. Whatever was not committed is read again by the next run.
   */
  stopping: AbortSignal
}

/** A promise chain per key: the next piece of work starts when the previous one settled. */
export function createSerial(): {
  serial<T>(key: string, work: () => Promise<T>): Promise<T>
  drained(): Promise<void>
  /** keys with work queued or running: what a stop waits for */
  busy(): string[]
} {
  const tails = new Map<string, Promise<unknown>>()
  const pending = new Map<string, number>()
  return {
    serial(key, work) {
      pending.set(key, (pending.get(key) ?? 0) + 1)
      const run = (tails.get(key) ?? Promise.resolve()).then(work, work)
      tails.set(
        key,
        run
          .catch(() => undefined)
          .finally(() => {
            const left = (pending.get(key) ?? 1) - 1
            if (left === 0) pending.delete(key)
            else pending.set(key, left)
          }),
      )
      return run
    },
    async drained() {
      await Promise.all([...tails.values()])
    },
    busy: () => [...pending.keys()],
  }
}

export const stateTopicFor = (prefix: string): string => `${prefix}._state`

/**
 * The transactional id of a resource's producer: the prefix and the resource, nothing an instance
 * may set for itself (such as KAFKA_CLIENT_ID), so a second instance on the same topics always
 * fences the first instead of publishing beside it.
 */
export const transactionalIdFor = (prefix: string, resource: string): string =>
  `personio-kafka.${prefix}.${resource}`
