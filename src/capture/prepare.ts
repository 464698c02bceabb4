// A resource's codec for this cycle. A resource whose declaration lists custom attributes
// (employees) gets its value schema rebuilt from what the credential may read now, so an attribute
// that appeared since the last cycle is checked and registered before the first record using it.
import { buildEmployeeValueSchema } from '../contract/employee-schema'
import { topicFor, valueSubject } from '../contract/naming'
import type { AvroRecordSchema } from '../contract/schema-builder'
import type { ResourceCodec } from '../contract/serde'
import type { V1EmployeeAttributeDefinition } from '../personio/types'
import { v1Data } from '../personio/pagination/page'
import type { MappingContext, Resource } from '../resources'
import type { CaptureContext } from './context'

export interface Prepared {
  codec: ResourceCodec
  mapping?: MappingContext
}

/** The last value schema built per resource: names of custom fields are carried forward from it. */
const previousSchemas = new WeakMap<CaptureContext, Map<string, AvroRecordSchema>>()

export async function prepareResource(ctx: CaptureContext, resource: Resource): Promise<Prepared> {
  const custom = resource.customAttributes
  if (custom === undefined) return { codec: await ctx.serde.prepare(resource) }
  let known = previousSchemas.get(ctx)
  if (known === undefined) previousSchemas.set(ctx, (known = new Map()))
  let previous = known.get(resource.name)
  if (previous === undefined) {
    const latest = await ctx.registry.latest(valueSubject(topicFor(ctx.prefix, resource.name)))
    previous = latest === undefined ? undefined : (JSON.parse(latest.schema) as AvroRecordSchema)
  }
  const path = `/v1${custom.path}`
  const definitions = v1Data<V1EmployeeAttributeDefinition>(await ctx.http.getJson(path), path).data
  const built = buildEmployeeValueSchema(definitions, previous)
  for (const note of built.notes) ctx.logger.warn({ resource: resource.name }, note)
  const codec = await ctx.serde.prepare(resource, built.schema)
  known.set(resource.name, built.schema)
  return { codec, mapping: { extraFields: built.customFields } }
}
