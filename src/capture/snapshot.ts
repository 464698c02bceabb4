// The snapshot pass: every record of a resource read from Personio, mapped, encoded and published
// as `r` events, one Kafka transaction per page (records and dead letters of that page together).
// Pull-based: the next page is requested only after the previous transaction committed, so a slow
// Kafka slows polling and nothing buffers without bound.
import { Observable, concatMap, from } from 'rxjs'
import { buildEmployeeValueSchema } from '../contract/employee-schema'
import { dlqTopic, topicFor, valueSubject } from '../contract/naming'
import type { SchemaRegistryClient } from '../contract/registry'
import { prepareCodec } from '../contract/serde'
import type { AvroRecordSchema } from '../contract/schema-builder'
import type { KeyFormat } from '../config'
import type { TransactionalSink } from '../kafka/port'
import type { Logger } from '../ops/logger'
import type { PersonioClient } from '../personio'
import type { MappingContext, Resource } from '../resources'
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
}

export interface SnapshotProgress {
  resource: string
  topic: string
  pages: number
  published: number
  deadLettered: number
}

async function codecFor(deps: SnapshotDeps, resource: Resource, topic: string) {
  if (resource.name !== 'employees')
    return { codec: await prepareCodec(deps.registry, resource, topic, deps.keyFormat), context: undefined }
  // Employees carry the custom attributes this credential may read; the schema grows with them.
  const latest = await deps.registry.latest(valueSubject(topic))
  const previous = latest === undefined ? undefined : (JSON.parse(latest.schema) as AvroRecordSchema)
  const built = buildEmployeeValueSchema(await deps.client.employees.attributes(), previous)
  for (const note of built.notes) deps.logger.warn({ resource: 'employees' }, note)
  const context: MappingContext = { extraFields: built.customFields }
  return { codec: await prepareCodec(deps.registry, resource, topic, deps.keyFormat, built.schema), context }
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
    ;(async () => {
      const { codec, context } = await codecFor(deps, resource, topic)
      for await (const items of readResource(deps.client, resource.name)) {
        if (stopped) return
        const at = deps.now()
        const mapped = mapPage(resource, items, 'r', true, context)
        const encoded = toOutgoing(topic, codec, mapped.events, at)
        const letters = [...mapped.deadLetters, ...encoded.deadLetters]
        await deps.sink.publish([...encoded.records, ...letters.map((l) => deadLetterRecord(dlq, l, at))])
        progress.pages += 1
        progress.published += encoded.records.length
        progress.deadLettered += letters.length
        for (const l of letters)
          deps.logger.warn({ resource: resource.name, stage: l.stage, key: l.key }, l.error.message)
        subscriber.next({ ...progress })
      }
      subscriber.complete()
    })().catch((error: unknown) => subscriber.error(error))
    return () => {
      stopped = true
    }
  })
}

/** Resources one after another: one transaction in flight at a time. */
export function snapshot(deps: SnapshotDeps, resources: readonly Resource[]): Observable<SnapshotProgress> {
  return from(resources).pipe(concatMap((r) => snapshotResource(deps, r)))
}
