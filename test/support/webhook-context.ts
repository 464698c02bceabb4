// An in-memory CaptureContext for the webhook path's rules: Personio is a table of answers by
// request path (a body, or an error to throw), Kafka a sink that keeps each transaction, the codec
// plain JSON. No network, no registry: what a batch reads, publishes and commits is all visible.
import { createLanes } from '../../src/capture/engine/lanes'
import { createWebhookFollow } from '../../src/capture/state/webhook-follow'
import pino from 'pino'
import { createSerial, type CaptureContext } from '../../src/capture/context'
import { createCaptureMemory } from '../../src/capture/state/memory'
import type { Prepared } from '../../src/capture/read/prepare'
import { newCaptureState } from '../../src/capture/state/restore'
import { resolveSettings } from '../../src/capture/settings'
import { noFieldPolicy } from '../../src/contract/field-policy'
import type { ResourceCodec } from '../../src/contract/serde'
import { valueSchema } from '../../src/contract/schema-builder'
import { loadConfig } from '../../src/config'
import type { ConsumedOffsets, OutgoingRecord } from '../../src/kafka/port'
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/kafka/record-size'
import type { PersonioHttp } from '../../src/personio/client'
import type { Resource } from '../../src/resources'

export interface Transaction {
  records: OutgoingRecord[]
  consumed?: ConsumedOffsets
}

export interface WebhookWorld {
  ctx: CaptureContext
  /** every GET, in order */
  requests: string[]
  transactions: Transaction[]
  /** warning lines (their `msg`) */
  warnings: string[]
  /** the records of one topic, decoded (JSON codec), in publish order */
  published(topic: string): { key: unknown; value: unknown }[]
}

/** `answer(target)`: the body Personio answers a GET with; throw to answer with an error. */
export function webhookWorld(answer: (target: string) => unknown): WebhookWorld {
  const requests: string[] = []
  const transactions: Transaction[] = []
  const warnings: string[] = []
  const logger = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        warnings.push((JSON.parse(line) as { msg: string }).msg)
      },
    },
  )
  const http = {
    getJson: (target: string) => {
      requests.push(target)
      try {
        return Promise.resolve(answer(target))
      } catch (error) {
        return Promise.reject(error as Error)
      }
    },
    base: new URL('http://personio.test'),
    markPersonioTime: () => () => undefined,
  } as unknown as PersonioHttp
  const serial = createSerial()
  const ctx: CaptureContext = {
    http,
    // no registry: nothing registered yet, and every schema is written as plain JSON
    registry: {
      latest: () => Promise.resolve(undefined),
    } as unknown as CaptureContext['registry'],
    serde: {
      prepare: (resource: Resource) => Promise.resolve(jsonCodec(resource)),
    } as unknown as CaptureContext['serde'],
    events: {
      publish: (_resource, records, consumed) => {
        transactions.push({ records: [...records], ...(consumed === undefined ? {} : { consumed }) })
        return Promise.resolve()
      },
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
    },
    state: newCaptureState(),
    prefix: 'p',
    stateTopic: 'p._state',
    dlqTopic: 'p._dlq',
    keyFormat: 'avro',
    deleteMode: 'tombstone',
    settings: resolveSettings(loadConfig({ env: {} }).capture),
    maxTransactionRecords: 10_000,
    messageLimit: () => DEFAULT_MAX_MESSAGE_BYTES,
    fieldPolicy: noFieldPolicy,
    clock: { now: () => Date.parse('2026-12-05T12:00:00Z') },
    logger,
    deleteGuardShare: 0.2,
    stateStore: {
      restore: () => Promise.reject(new Error('no state topic here')),
      readAfter: () => Promise.reject(new Error('no state topic here')),
    },
    webhooks: createWebhookFollow(),
    lanes: createLanes(),
    memory: createCaptureMemory(),
    limits: { load: () => undefined, restored: () => ({}), due: () => undefined, written: () => undefined },
    serial: (resource, work) => serial.serial(resource, work),
    stopping: new AbortController().signal,
  }
  return {
    ctx,
    requests,
    transactions,
    warnings,
    published: (topic) =>
      transactions
        .flatMap((t) => t.records)
        .filter((r) => r.topic === topic)
        .map((r) => ({
          key: JSON.parse(r.key.toString('utf8')) as unknown,
          value: r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as unknown),
        })),
  }
}

/** A resource's codec without a registry: keys and values as JSON. */
const jsonCodec = (resource: Resource): ResourceCodec => ({
  keyFormat: 'avro',
  valueSchemaId: 1,
  encodeKey: (record) => Buffer.from(JSON.stringify(resource.key.map((k) => record[k]))),
  encodeValue: (record) => Buffer.from(JSON.stringify(record)),
})

/** A resource's codec and field policy without a registry: keys and values as JSON. */
export function jsonPrepared(resource: Resource): Prepared {
  return { codec: jsonCodec(resource), policy: noFieldPolicy.apply(resource, valueSchema(resource)) }
}
