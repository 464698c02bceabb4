// Golden round trip for every resource: the documented Personio examples (test/fixtures) → records → Avro bytes registered in the
// real registry → decoded by Python fastavro (a decoder this project did not write) → equal to
// what went in, timestamps, dates and decimals included.
import { createSchemaRegistry } from '../../../src/contract/registry'
import { prepareCodec } from '../../../src/contract/serde'
import { topicFor } from '../../../src/contract/naming'
import { resources, type RecordValue, type Resource } from '../../../src/resources'
import { testInfra, uniqueName } from '../../infra/env'
import { decodeWithPython } from '../../support/python-decoder'
import { acceptedFixtureItems, fixtureEmployeeSchema } from '../../support/fixtures'

const { registryUrl } = testInfra()
const employeeSchema = fixtureEmployeeSchema()

/** What Python should print for a record: dates as ISO strings, the rest as encoded. */
function expectedFromPython(
  resource: Resource,
  record: RecordValue,
  extra: readonly { name: string; kind: string }[],
): RecordValue {
  const dates = new Set([...resource.fields, ...extra].filter((f) => f.kind === 'date').map((f) => f.name))
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      dates.has(k) && typeof v === 'number' ? new Date(v * 86_400_000).toISOString().slice(0, 10) : v,
    ]),
  )
}

describe('contract > golden round trip through the registry and Python fastavro', () => {
  jest.setTimeout(120_000)
  const registry = createSchemaRegistry({ url: registryUrl })
  const prefix = uniqueName('golden')

  for (const resource of Object.values(resources)) {
    it(`${resource.name}`, async () => {
      const isEmployees = resource.name === 'employees'
      const context = isEmployees ? { extraFields: employeeSchema.customFields } : undefined
      const topic = topicFor(prefix, resource.name)
      const codec = await prepareCodec(
        registry,
        resource,
        topic,
        'avro',
        isEmployees ? employeeSchema.schema : undefined,
      )
      const records = acceptedFixtureItems(resource.name).map((item) => resource.toRecord(item, context))
      expect(records.length).toBeGreaterThan(0)
      const values = records.map((r) =>
        codec.encodeValue(r, { op: 'r', sourceTsMs: 1_700_000_000_123, snapshot: true }),
      )
      const keys = records.map((r) => codec.encodeKey(r))
      const decodedValues = decodeWithPython(registryUrl, values)
      const decodedKeys = decodeWithPython(registryUrl, keys)
      const extra = isEmployees ? employeeSchema.customFields : []
      records.forEach((record, i) => {
        expect(decodedValues[i]?.schema_id).toBe(codec.valueSchemaId)
        expect(decodedValues[i]?.value).toEqual({
          ...expectedFromPython(resource, record, extra),
          __op: 'r',
          __source_ts_ms: 1_700_000_000_123,
          __snapshot: true,
          __deleted: null,
        })
        expect(decodedKeys[i]?.value).toEqual(
          expectedFromPython(resource, Object.fromEntries(resource.key.map((k) => [k, record[k]])), extra),
        )
      })
    })
  }
})
