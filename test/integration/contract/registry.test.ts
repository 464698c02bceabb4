// The registry rules against the real registry: compatibility read, never written; incompatible
// changes refused before publishing; key schemas frozen; employee schema evolution.
import { request } from 'undici'
import { buildEmployeeValueSchema } from '../../../src/contract/employee-schema'
import { createSchemaRegistry } from '../../../src/contract/registry'
import { decodeFramed, decodeFramedAs, prepareCodec } from '../../../src/contract/serde'
import { keySubject, topicFor, valueSubject } from '../../../src/contract/naming'
import { ContractError } from '../../../src/errors'
import type { V1EmployeeAttributeDefinition } from '../../../src/personio/types'
import { resources } from '../../../src/resources'
import { testInfra, uniqueName } from '../../infra/env'

const { registryUrl } = testInfra()
const native = registryUrl.replace(/\/apis\/ccompat\/v7$/, '/apis/registry/v3')

async function configSnapshot(subject: string) {
  const global = await (await request(`${registryUrl}/config`)).body.json()
  const rules = await (
    await request(`${native}/groups/default/artifacts/${encodeURIComponent(subject)}/rules`)
  ).body.json()
  return { global, rules }
}

const employee = (attrs: Record<string, unknown>) => ({
  type: 'Employee',
  attributes: {
    id: { label: 'ID', value: 7, type: 'integer', universal_id: 'id' },
    first_name: { label: 'First name', value: 'Zoë', type: 'standard', universal_id: 'first_name' },
    ...attrs,
  },
})

describe('contract > registry', () => {
  const registry = createSchemaRegistry({ url: registryUrl })

  it('registers under explicit subjects, caches ids and leaves compatibility untouched', async () => {
    const topic = topicFor(uniqueName('reg'), 'absences')
    const codec = await prepareCodec(registry, resources.absences, topic, 'avro')
    const again = await prepareCodec(registry, resources.absences, topic, 'avro')
    expect(again.valueSchemaId).toBe(codec.valueSchemaId)
    expect(await registry.compatibility(valueSubject(topic))).toBe('BACKWARD')
    expect(await configSnapshot(valueSubject(topic))).toEqual({
      global: { compatibilityLevel: 'BACKWARD' },
      rules: [],
    })
    expect(await configSnapshot(keySubject(topic))).toEqual({
      global: { compatibilityLevel: 'BACKWARD' },
      rules: [],
    })
  })

  it('refuses string keys on a topic written with Avro keys: one record would get a second key', async () => {
    const topic = topicFor(uniqueName('reg'), 'employees')
    await prepareCodec(registry, resources.employees, topic, 'avro')
    await expect(prepareCodec(registry, resources.employees, topic, 'string')).rejects.toThrow(
      /KEY_FORMAT.*string, but .*employees was written with Avro keys/,
    )
    // a topic that never had Avro keys takes string keys
    const fresh = topicFor(uniqueName('reg'), 'employees')
    await expect(prepareCodec(registry, resources.employees, fresh, 'string')).resolves.toMatchObject({
      keyFormat: 'string',
    })
  })

  it('coalesces concurrent registrations of the same schema into one id', async () => {
    const topic = topicFor(uniqueName('reg'), 'projects')
    const codecs = await Promise.all(
      Array.from({ length: 5 }, () => prepareCodec(registry, resources.projects, topic, 'avro')),
    )
    expect(new Set(codecs.map((c) => c.valueSchemaId)).size).toBe(1)
  })

  it('refuses an incompatible change before anything is published, naming the subject', async () => {
    const topic = topicFor(uniqueName('reg'), 'document_categories')
    const subject = valueSubject(topic)
    await registry.register(subject, {
      type: 'record',
      name: 'Value',
      namespace: 'x',
      fields: [{ name: 'id', type: 'long' }],
    })
    const incompatible = {
      type: 'record',
      name: 'Value',
      namespace: 'x',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'required_new', type: 'string' },
      ],
    }
    const attempt = registry.register(subject, incompatible)
    await expect(attempt).rejects.toBeInstanceOf(ContractError)
    await expect(registry.register(subject, incompatible)).rejects.toThrow(
      new RegExp(`${subject} is not BACKWARD-compatible`),
    )
    const versions = (await (
      await request(`${registryUrl}/subjects/${subject}/versions`)
    ).body.json()) as number[]
    expect(versions).toHaveLength(1)
  })

  it('keeps key schemas frozen', async () => {
    const topic = topicFor(uniqueName('reg'), 'employees')
    await registry.register(
      keySubject(topic),
      {
        type: 'record',
        name: 'Key',
        namespace: 'personio.employees',
        fields: [{ name: 'id', type: 'string' }],
      },
      { frozen: true },
    )
    await expect(prepareCodec(registry, resources.employees, topic, 'avro')).rejects.toThrow(
      /Key schema of .* is frozen/,
    )
  })

  it('evolves the employee schema when a custom attribute appears; old and new records decode', async () => {
    const topic = topicFor(uniqueName('reg'), 'employees')
    const iban: V1EmployeeAttributeDefinition = {
      key: 'dynamic_1',
      label: 'IBAN',
      type: 'standard',
      universal_id: 'iban',
    }
    const bonus: V1EmployeeAttributeDefinition = {
      key: 'dynamic_2',
      label: 'Bonus-Stufe',
      type: 'integer',
      universal_id: null,
    }
    const v1 = buildEmployeeValueSchema([iban])
    const codec1 = await prepareCodec(registry, resources.employees, topic, 'avro', v1.schema)
    const latest = await registry.latest(valueSubject(topic))
    const v2 = buildEmployeeValueSchema([iban, bonus], JSON.parse(latest?.schema ?? '{}'))
    const codec2 = await prepareCodec(registry, resources.employees, topic, 'avro', v2.schema)
    expect(codec2.valueSchemaId).not.toBe(codec1.valueSchemaId)

    const dyn1 = { dynamic_1: { label: 'IBAN', value: 'DE02', type: 'standard', universal_id: 'iban' } }
    const dyn2 = {
      ...dyn1,
      dynamic_2: { label: 'Bonus-Stufe', value: 3, type: 'integer', universal_id: null },
    }
    const oldBytes = codec1.encodeValue(
      resources.employees.toRecord(employee(dyn1), { extraFields: v1.customFields }),
      { op: 'c' },
    )
    const newBytes = codec2.encodeValue(
      resources.employees.toRecord(employee(dyn2), { extraFields: v2.customFields }),
      { op: 'u' },
    )
    expect(await decodeFramed(registry, oldBytes)).toMatchObject({
      id: 7,
      first_name: 'Zoë',
      iban: 'DE02',
      __op: 'c',
    })
    expect(await decodeFramed(registry, newBytes)).toMatchObject({
      id: 7,
      iban: 'DE02',
      bonus_stufe: 3,
      __op: 'u',
    })
    const versions = (await (
      await request(`${registryUrl}/subjects/${valueSubject(topic)}/versions`)
    ).body.json()) as number[]
    expect(versions).toHaveLength(2)
  })

  it('respects a subject configured otherwise, leaves its config as it was, refuses a type change', async () => {
    const topic = topicFor(uniqueName('reg'), 'absence_types')
    const subject = valueSubject(topic)
    const config = async () =>
      (await request(`${registryUrl}/config/${subject}?defaultToGlobal=true`)).body.json()
    const v1 = { type: 'record', name: 'Value', namespace: 'x', fields: [{ name: 'n', type: 'long' }] }
    await registry.register(subject, v1)
    // an operator's choice, made outside the service
    const put = await request(`${registryUrl}/config/${subject}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'FULL_TRANSITIVE' }),
    })
    expect(put.statusCode).toBe(200)
    await put.body.dump()
    const before = { subject: await config(), global: await configSnapshot(subject) }
    expect(await registry.compatibility(subject)).toBe('FULL_TRANSITIVE')

    const added = { ...v1, fields: [...v1.fields, { name: 'note', type: ['null', 'string'], default: null }] }
    await registry.register(subject, added)
    const typeChange = { ...v1, fields: [{ name: 'n', type: 'string' }, added.fields[1]] }
    const error = (await registry.register(subject, typeChange).catch((e: unknown) => e)) as ContractError
    expect(error).toBeInstanceOf(ContractError)
    expect(error.subject).toBe(subject)
    expect(error.message).toMatch(/not FULL_TRANSITIVE-compatible.*nothing was published/)

    expect({ subject: await config(), global: await configSnapshot(subject) }).toEqual(before)
    const versions = (await (
      await request(`${registryUrl}/subjects/${subject}/versions`)
    ).body.json()) as number[]
    expect(versions).toHaveLength(2)
  })

  it('reads old employee events with the grown schema: the new field comes back null', async () => {
    const topic = topicFor(uniqueName('reg'), 'employees')
    const iban: V1EmployeeAttributeDefinition = {
      key: 'dynamic_1',
      label: 'IBAN',
      type: 'standard',
      universal_id: 'iban',
    }
    const team: V1EmployeeAttributeDefinition = {
      key: 'dynamic_2',
      label: 'Team',
      type: 'standard',
      universal_id: null,
    }
    const v1 = buildEmployeeValueSchema([iban])
    const v2 = buildEmployeeValueSchema([iban, team], v1.schema)
    const codec1 = await prepareCodec(registry, resources.employees, topic, 'avro', v1.schema)
    const dyn1 = { dynamic_1: { label: 'IBAN', value: 'DE02', type: 'standard', universal_id: 'iban' } }
    const oldRecord = resources.employees.toRecord(employee(dyn1), { extraFields: v1.customFields })
    const oldBytes = codec1.encodeValue(oldRecord, { op: 'c' })
    await prepareCodec(registry, resources.employees, topic, 'avro', v2.schema)
    expect(await decodeFramedAs(registry, oldBytes, v2.schema)).toEqual({
      ...oldRecord,
      team: null,
      __op: 'c',
      __source_ts_ms: null,
      __snapshot: null,
      __deleted: null,
    })
  })

  it('says clearly when the registry is unreachable', async () => {
    const dead = createSchemaRegistry({ url: 'http://127.0.0.1:9/apis/ccompat/v7', timeoutMs: 2000 })
    await expect(dead.register('x-value', { type: 'string' })).rejects.toThrow(
      /unreachable.*SCHEMA_REGISTRY_URL/,
    )
  })
})
