// A resource's codec for this cycle. A resource whose declaration lists custom attributes
// (employees) gets its value schema rebuilt from what the credential may read now, so an attribute
// that appeared since the last cycle is checked and registered before the first record using it.
import { ATTRIBUTE_PROPERTY, buildEmployeeValueSchema } from '../../contract/employee-schema'
import type { AppliedFieldPolicy } from '../../contract/field-policy'
import { topicFor, valueSubject } from '../../contract/naming'
import { valueSchema, type AvroRecordSchema } from '../../contract/schema-builder'
import type { ResourceCodec } from '../../contract/serde'
import type { V1EmployeeAttributeDefinition } from '../../personio/types'
import { v1Data } from '../../personio/pagination/page'
import type { MappingContext, Resource } from '../../resources'
import type { CaptureContext } from '../context'

export interface Prepared {
  codec: ResourceCodec
  mapping?: MappingContext
  /** the field policy as it applies to this schema; every mapped page passes through it */
  policy: AppliedFieldPolicy
  /** the custom attribute fields of this schema (resources with custom attributes only) */
  customFields?: string[]
}

export type PrepareContext = Pick<
  CaptureContext,
  'fieldPolicy' | 'serde' | 'registry' | 'memory' | 'http' | 'logger' | 'prefix'
>

export async function prepareResource(ctx: PrepareContext, resource: Resource): Promise<Prepared> {
  const custom = resource.customAttributes
  if (custom === undefined) {
    const policy = ctx.fieldPolicy.apply(resource, valueSchema(resource))
    return { codec: await ctx.serde.prepare(resource, policy.schema), policy }
  }
  // The last schema built: names of custom fields are carried forward from it.
  const known = ctx.memory.schemas
  let previous = known.get(resource.name)
  if (previous === undefined) {
    const latest = await ctx.registry.latest(valueSubject(topicFor(ctx.prefix, resource.name)))
    previous = latest === undefined ? undefined : (JSON.parse(latest.schema) as AvroRecordSchema)
  }
  const path = `/v1${custom.path}`
  const definitions = v1Data<V1EmployeeAttributeDefinition>(await ctx.http.getJson(path), path).data
  const built = buildEmployeeValueSchema(definitions, previous)
  for (const note of built.notes) ctx.logger.warn({ resource: resource.name }, note)
  // The registry keeps the schema as published (policy applied); names are carried from our own.
  const policy = ctx.fieldPolicy.apply(resource, built.schema)
  const codec = await ctx.serde.prepare(resource, policy.schema)
  known.set(resource.name, built.schema)
  const customFields = built.schema.fields
    .filter((f) => typeof f[ATTRIBUTE_PROPERTY] === 'string')
    .map((f) => f.name)
  return { codec, mapping: { extraFields: built.customFields }, policy, customFields }
}
