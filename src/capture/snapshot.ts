// The snapshot pass: every record of a resource read from Personio, mapped, encoded and published
// as `r` events, one Kafka transaction per page (records and dead letters of that page together).
// Pull-based: the next page is requested only after the previous transaction committed, so a slow
// Kafka slows polling and nothing buffers without bound.
import { Observable, concatMap, from } from 'rxjs'
import { buildEmployeeValueSchema } from '../contract/employee-schema'
import { noFieldPolicy, type FieldPolicy } from '../contract/field-policy'
import { dlqTopic, topicFor, valueSubject } from '../contract/naming'
import type { SchemaRegistryClient } from '../contract/registry'
import { prepareCodec } from '../contract/serde'
import { valueSchema, type AvroRecordSchema } from '../contract/schema-builder'
import type { KeyFormat } from '../config'
import type { TransactionalSink } from '../kafka/port'
import { PkError } from '../errors'
import { publish } from '../ops/channels'
import { cycleLogger, inCycle, newCycleId, type Logger } from '../ops/logger'
import type { PersonioClient } from '../personio'
import type { MappingContext, Resource } from '../resources'
import { applyFieldPolicy } from './apply-field-policy'
import { deadLetterRecord } from './dead-letter'
import { mapPage } from './map-page'
import { readResource } from './read-resource'
import { toOutgoing } from './to-outgoing'

export interface SnapshotDeps {
  client: PersonioClient
  registry: SchemaRegistryClient
  sink: TransactionalSink
  prefix: string
  keyFormat: KeyFormat
  now: () => number
  logger: Logger
  /** fields dropped or hashed per resource (FIELD_POLICY); none when absent */
  fieldPolicy?: FieldPolicy
  /** ids of capture cycles (tests pass fixed ones) */
  cycleId?: () => string
}

export interface SnapshotProgress {
  resource: string
  topic: string
  pages: number
  published: number
  deadLettered: number
}

async function codecFor(deps: SnapshotDeps, resource: Resource, topic: string, logger: Logger) {
  let schema = valueSchema(resource)
  let context: MappingContext | undefined
  if (resource.name === 'employees') {
    // Employees carry the custom attributes this credential may read; the schema grows with them.
    const latest = await deps.registry.latest(valueSubject(topic))
    const previous = latest === undefined ? undefined : (JSON.parse(latest.schema) as AvroRecordSchema)
    const built = buildEmployeeValueSchema(await deps.client.employees.attributes(), previous)
    for (const note of built.notes) logger.warn(note)
    schema = built.schema
    context = { extraFields: built.customFields }
  }
  // The field policy shapes the schema that is registered and every record that is encoded.
  const policy = (deps.fieldPolicy ?? noFieldPolicy).apply(resource, schema)
  const codec = await prepareCodec(deps.registry, resource, topic, deps.keyFormat, policy.schema)
  return { codec, context, policy }
}

/** Emits progress after every committed page; completes when the resource is fully published. */
export function snapshotResource(deps: SnapshotDeps, resource: Resource): Observable<SnapshotProgress> {
  return new Observable<SnapshotProgress>((subscriber) => {
    const topic = topicFor(deps.prefix, resource.name)
    const dlq = dlqTopic(deps.prefix)
    const progress: SnapshotProgress = {
      resource: resource.name,
      topic,
      pages: 0,
      published: 0,
      deadLettered: 0,
    }
    let stopped = false
    // The facts below go to the diagnostics channels (ops/channels.ts): metrics and progress listen.
    const cycleId = (deps.cycleId ?? newCycleId)()
    const cycle = { resource: resource.name, cycleId, kind: 'snapshot' as const }
    const log = cycleLogger(deps.logger, resource.name, cycleId)
    const started = deps.now()
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'start' })
    // inCycle: lines the Personio client and kafkajs log during this cycle carry its id too.
    inCycle({ resource: resource.name, cycleId }, async () => {
      const { codec, context, policy } = await codecFor(deps, resource, topic, log)
      for await (const page of readResource(deps.client, resource.name)) {
        if (stopped) return
        const at = deps.now()
        const mapped = applyFieldPolicy(policy, mapPage(resource, page.items, 'r', true, context))
        const encoded = toOutgoing(topic, codec, mapped.events, at)
        const letters = [...mapped.deadLetters, ...encoded.deadLetters]
        const records = [...encoded.records, ...letters.map((l) => deadLetterRecord(dlq, l, at))]
        await deps.sink.publish(records).catch((error: unknown) => {
          const durationMs = deps.now() - at
          publish('personio-kafka:kafka:transaction', {
            resource: resource.name,
            outcome: 'aborted',
            records: records.length,
            durationMs,
          })
          throw error
        })
        publish('personio-kafka:kafka:transaction', {
          resource: resource.name,
          outcome: 'committed',
          records: records.length,
          durationMs: deps.now() - at,
        })
        publish('personio-kafka:capture:page', {
          resource: resource.name,
          cycleId,
          items: page.items.length,
          total: page.total,
        })
        if (encoded.records.length > 0)
          publish('personio-kafka:capture:events', {
            resource: resource.name,
            op: 'r',
            count: encoded.records.length,
          })
        for (const stage of ['map', 'encode'] as const) {
          const count = letters.filter((l) => l.stage === stage).length
          if (count > 0)
            publish('personio-kafka:capture:dead-letter', { resource: resource.name, stage, count })
        }
        progress.pages += 1
        progress.published += encoded.records.length
        progress.deadLettered += letters.length
        for (const l of letters) log.warn({ stage: l.stage, key: l.key }, l.error.message)
        subscriber.next({ ...progress })
      }
      publish('personio-kafka:capture:cycle', { ...cycle, phase: 'end', durationMs: deps.now() - started })
      subscriber.complete()
    }).catch((error: unknown) => {
      const code = error instanceof PkError ? error.code : 'UNKNOWN'
      const message = error instanceof Error ? error.message : String(error)
      publish('personio-kafka:capture:cycle', {
        ...cycle,
        phase: 'error',
        durationMs: deps.now() - started,
        error: { code, message },
      })
      subscriber.error(error)
    })
    return () => {
      stopped = true
    }
  })
}

/** Resources one after another: one transaction in flight at a time. */
export function snapshot(deps: SnapshotDeps, resources: readonly Resource[]): Observable<SnapshotProgress> {
  return from(resources).pipe(concatMap((r) => snapshotResource(deps, r)))
}
