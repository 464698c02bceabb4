// Everything a capture cycle, stage or webhook batch touches, wired once by the engine and passed
// down, in three parts: the ports (the world: Personio, the registry, where events and state go,
// the clock), the settings (fixed once wired) and the runtime (what changes while capture runs:
// the state, what memory keeps, the webhook follow state, the lanes, the stop). Functions take the
// parts they use; `CaptureContext` is all three, for the wiring and the sources that need most.
import type { DeleteMode, KeyFormat } from '../config'
import type { FieldPolicy } from '../contract/field-policy'
import type { SchemaRegistryClient } from '../contract/registry'
import type { Serde } from '../contract/serde'
import type { Logger } from '../ops/logger'
import type { ResourceName } from '../resources'
import type { ResourceSettings } from './settings'
import type { Lanes } from './engine/lanes'
import type { Clock, EventSink, PersonioClient, StateStore } from './ports'
import type { LimitsLedger } from './state/learned-limits'
import type { CaptureMemory } from './state/memory'
import type { CaptureState } from './state/state'
import type { WebhookFollow } from './state/webhook-follow'

export type { Clock } from './ports'

/** The world as capture sees it. */
export interface CapturePorts {
  http: PersonioClient
  registry: SchemaRegistryClient
  serde: Serde
  /** where change events and the state they lead to are published, per resource transactionally */
  events: EventSink
  /** capture's state as made durable, read back to settle an unconfirmed commit */
  stateStore: StateStore
  clock: Clock
  logger: Logger
}

/** What the configuration decided; never changes once the engine is wired. */
export interface CaptureSettings {
  prefix: string
  stateTopic: string
  dlqTopic: string
  keyFormat: KeyFormat
  deleteMode: DeleteMode
  settings: Readonly<Record<ResourceName, Readonly<ResourceSettings>>>
  maxTransactionRecords: number
  /** a topic's max.message.bytes: a record that does not fit alone in a batch is dead-lettered */
  messageLimit(topic: string): number
  /** fields dropped or hashed before anything is fingerprinted, encoded or dead-lettered */
  fieldPolicy: FieldPolicy
  /** share of a resource's known keys one listing may delete before its deletes wait for a second listing */
  deleteGuardShare: number
}

/** What changes while capture runs. */
export interface CaptureRuntime {
  state: CaptureState
  /** what capture remembers between transactions, this engine's alone */
  memory: CaptureMemory
  /** the Personio client's learned paces, written along with a commit now and then */
  limits: LimitsLedger
  /** which resources follow webhooks now, and their reconciliation interval meanwhile */
  webhooks: WebhookFollow
  /**
   * One lane per resource: a unit of work (a whole listing, an inbox batch, a stage batch or
   * refresh) runs alone in it, whichever source it came from (engine/lanes.ts).
   */
  lanes: Lanes
  /**
   * Runs `work` when the resource's previous transaction is done: one transaction in flight per
   * resource. Finer than a lane: a deleted person's absences are tombstoned in the person's
   * transaction, which takes the absences' turn, not their lane (commit/cascade.ts).
   */
  serial<T>(resource: ResourceName, work: () => Promise<T>): Promise<T>
  /**
   * Aborted when the service stops: Personio reads end at once, no new transaction begins, and the
   * one in flight finishes. Whatever was not committed is read again by the next run.
   */
  stopping: AbortSignal
}

export type CaptureContext = CapturePorts & CaptureSettings & CaptureRuntime

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
