// Proves @kafkajs/confluent-schema-registry works through Apicurio's Confluent-compatible API:
// explicit TopicNameStrategy subjects, encode/decode, and the compatibility setting left untouched.
// Trap found here: register() defaults to `compatibility: BACKWARD` and WRITES it to every new
// subject (and throws on subjects set otherwise). Passing `compatibility: undefined` for a new
// subject is what keeps the client from touching the setting.
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { request } from 'undici'
import { testInfra, uniqueName } from '../../infra/env'

const { registryUrl } = testInfra()

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const res = await request(`${registryUrl}${path}`)
  const text = await res.body.text()
  return { status: res.statusCode, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

describe('smoke > schema registry', () => {
  it('registers key and value schemas under <topic>-key / <topic>-value, encodes and decodes', async () => {
    const registry = new SchemaRegistry({ host: registryUrl })
    const topic = uniqueName('smoke.employees')
    const globalBefore = await getJson('/config')

    const keySchema = {
      type: 'record',
      name: 'Key',
      namespace: 'smoke',
      fields: [{ name: 'id', type: 'long' }],
    }
    const valueSchema = {
      type: 'record',
      name: 'Value',
      namespace: 'smoke',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'name', type: ['null', 'string'], default: null },
      ],
    }
    // `compatibility: undefined` overrides the library's BACKWARD default, which it would write.
    const register = (schema: object, subject: string) =>
      registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject, compatibility: undefined },
      )
    const key = await register(keySchema, `${topic}-key`)
    const value = await register(valueSchema, `${topic}-value`)
    expect(key.id).not.toBe(value.id)

    // asked by name: a registry that served many runs lists only its first subjects on /subjects
    for (const subject of [`${topic}-key`, `${topic}-value`])
      expect((await getJson(`/subjects/${subject}/versions`)).body).toEqual([1])

    const encodedKey = await registry.encode(key.id, { id: 42 })
    const encodedValue = await registry.encode(value.id, { id: 42, name: 'Jürgen' })
    expect(encodedKey[0]).toBe(0) // Confluent framing: magic byte, then the schema id
    expect(encodedKey.readInt32BE(1)).toBe(key.id)
    // A fresh client resolves the writer schema from the registry by id.
    const reader = new SchemaRegistry({ host: registryUrl })
    expect(await reader.decode(encodedKey)).toEqual({ id: 42 })
    expect(await reader.decode(encodedValue)).toEqual({ id: 42, name: 'Jürgen' })

    // The client never wrote a compatibility setting: the global one is as before, and the subjects
    // carry no rule of their own (Apicurio's native API shows per-artifact rules; ccompat answers
    // /config/{subject} with the global level either way).
    expect(await getJson('/config')).toEqual(globalBefore)
    expect((globalBefore.body as { compatibilityLevel: string }).compatibilityLevel).toBe('BACKWARD')
    const native = registryUrl.replace(/\/apis\/ccompat\/v7$/, '/apis/registry/v3')
    for (const subject of [`${topic}-key`, `${topic}-value`]) {
      const rules = await request(`${native}/groups/default/artifacts/${subject}/rules`)
      expect(await rules.body.json()).toEqual([])
    }
  })
})
