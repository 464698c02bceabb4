// The context capture runs in, as a table: the ports opened for it, the settings the configuration
// decided (fixed from here on), and the runtime state, fresh for this engine.
import type { Config } from '../../config'
import { fieldPolicyFromConfig } from '../../contract/field-policy'
import { dlqTopic } from '../../contract/naming'
import { createSerde } from '../../contract/serde'
import type { Logger } from '../../ops/logger'
import {
  createSerial,
  stateTopicFor,
  type CaptureContext,
  type CaptureSettings,
  type Clock,
} from '../context'
import { createLimitsLedger } from '../state/learned-limits'
import { createCaptureMemory } from '../state/memory'
import { newCaptureState } from '../state/restore'
import { createWebhookFollow } from '../state/webhook-follow'
import { createLanes } from './lanes'
import type { EnginePorts } from './open-ports'
import type { Transactions } from './wiring'

export function wireContext(
  config: Config,
  logger: Logger,
  clock: Clock | undefined,
  ports: EnginePorts,
  settings: CaptureSettings['settings'],
  stopping: AbortSignal,
): { ctx: CaptureContext; transactions: Transactions } {
  const prefix = config.topics.prefix
  const serial = createSerial()
  const ctx: CaptureContext = {
    // ports
    http: ports.http,
    registry: ports.registry,
    serde: createSerde({ registry: ports.registry, keyFormat: config.topics.keyFormat, prefix }),
    events: ports.events,
    stateStore: ports.stateStore,
    clock: clock ?? { now: Date.now },
    logger,
    // settings
    prefix,
    stateTopic: stateTopicFor(prefix),
    dlqTopic: dlqTopic(prefix),
    keyFormat: config.topics.keyFormat,
    deleteMode: config.topics.deleteMode,
    settings,
    maxTransactionRecords: config.capture.maxTransactionRecords,
    messageLimit: ports.messageLimits.limit,
    fieldPolicy: fieldPolicyFromConfig(config.fields),
    deleteGuardShare: config.capture.deleteGuardPercent / 100,
    // runtime
    state: newCaptureState(),
    memory: createCaptureMemory(),
    limits: createLimitsLedger(ports.http.rateLimits),
    webhooks: createWebhookFollow(),
    lanes: createLanes(),
    serial: (resource, work) => serial.serial(resource, work),
    stopping,
  }
  return { ctx, transactions: serial }
}
