// Contract encode benchmark: employees with 30 attributes through the real mapping, the real
// employee schema and the real codec (validation + Avro + framing), and the size of one event
// against Personio's JSON and the record's JSON. The registry is an in-memory stand-in here:
// ids are cached after the first registration, so the registry is never on the encode path.
// Run alone: `npx tsx bench/contract-encode.ts`; `npm run bench` imports `contractEncode`.
import { buildEmployeeValueSchema } from '../src/contract/employee-schema'
import type { SchemaRegistryClient } from '../src/contract/registry'
import { prepareCodec } from '../src/contract/serde'
import { resources } from '../src/resources'
import { simClock } from '../src/simulator/clock'
import {
  attributeDefinitions,
  renderEmployee,
  STANDARD_ATTRIBUTES,
} from '../src/simulator/render/v1-employee'
import { Company } from '../src/simulator/state/company'

interface Figure {
  name: string
  value: number
  unit: string
}

// The figure is for employees with 30 attributes: a credential whose whitelist holds 22
// standard + 8 custom attributes. The full simulated set (32 standard + 8 custom) is measured too.
const CUSTOM_ATTRIBUTES = 8
const WHITELISTED_STANDARD = 22
const EMPLOYEES = 200
const ROUNDS = 100
const RUNS = 5

const offlineRegistry: SchemaRegistryClient = {
  compatibility: () => Promise.resolve('BACKWARD'),
  latest: () => Promise.resolve(undefined),
  register: (subject) => Promise.resolve(subject.endsWith('-key') ? 1 : 2),
  schemaById: () => Promise.reject(new Error('not used')),
}

export async function contractEncode(): Promise<{ bench: string; figures: Figure[]; notes: string }> {
  // The first measurement in a fresh process ran ~2× slower whatever it measured, even after a
  // second of warm-up: one whole throwaway pass first, then the pass that is reported.
  await measure(true)
  await measure(false)
  const thirty = await measure(true)
  const full = await measure(false)
  return {
    bench: 'contract-encode',
    notes: `${thirty.notes}; full set: ${full.notes}`,
    figures: [...thirty.figures, ...full.figures.map((f) => ({ ...f, name: `${f.name} (full set)` }))],
  }
}

async function measure(restricted: boolean): Promise<{ figures: Figure[]; notes: string }> {
  const company = new Company(
    {
      seed: 7,
      employees: EMPLOYEES,
      absencesPerEmployee: 0,
      absencePeriodsPerEmployee: 0,
      attendancesPerEmployee: 0,
      reports: 0,
      customAttributes: CUSTOM_ATTRIBUTES,
    },
    simClock(Date.parse('2026-01-15T09:00:00Z')),
  )
  const whitelist = restricted
    ? new Set([
        ...STANDARD_ATTRIBUTES.slice(0, WHITELISTED_STANDARD).map(([key]) => key),
        ...company.customAttributes.map((d) => d.key),
      ])
    : undefined
  const definitions = attributeDefinitions(company, whitelist)
  const raws = company.list('employees').map((e) => renderEmployee(e, company, whitelist))
  const employeeSchema = buildEmployeeValueSchema(definitions)
  const context = { extraFields: employeeSchema.customFields }
  const records = raws.map((raw) => resources.employees.toRecord(raw, context))
  const fields = Object.keys(records[0] ?? {}).length
  const attributes = Object.keys(raws[0]?.attributes ?? {}).length
  const codec = await prepareCodec(
    offlineRegistry,
    resources.employees,
    'bench.employees',
    'avro',
    employeeSchema.schema,
  )
  const meta = { op: 'u' as const, sourceTsMs: 1_768_467_600_000, snapshot: false }

  const encodeAll = () => {
    let n = 0
    for (let round = 0; round < ROUNDS; round++)
      for (const r of records) n += codec.encodeValue(r, meta).length + codec.encodeKey(r).length
    return n
  }
  // Warm up for a second (JIT, schema caches), then take the median of RUNS timed runs.
  for (const until = Date.now() + 1000; Date.now() < until;) encodeAll()
  const times: number[] = []
  let bytes = 0
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint()
    bytes = encodeAll()
    times.push(Number(process.hrtime.bigint() - started) / 1e9)
  }
  const seconds = times.sort((x, y) => x - y)[Math.floor(RUNS / 2)] as number
  const encoded = records.length * ROUNDS

  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length)
  const avro = mean(records.map((r) => codec.encodeValue(r, meta).length))
  const personioJson = mean(raws.map((raw) => Buffer.byteLength(JSON.stringify(raw))))
  const recordJson = mean(records.map((r) => Buffer.byteLength(JSON.stringify(r))))
  return {
    notes: `${fields} fields per employee record (${employeeSchema.customFields.length} custom attributes); ${bytes} bytes encoded`,
    figures: [
      {
        name: 'employee events encoded (key + value)',
        value: Math.round(encoded / seconds),
        unit: 'records/s',
      },
      { name: 'Personio attributes per employee', value: attributes, unit: 'attributes' },
      { name: 'fields per employee record', value: fields, unit: 'fields' },
      { name: 'employee value, Avro framed', value: avro, unit: 'bytes' },
      { name: 'employee, Personio v1 JSON', value: personioJson, unit: 'bytes' },
      { name: 'employee record as JSON', value: recordJson, unit: 'bytes' },
      { name: 'Avro / Personio JSON', value: Math.round((avro / personioJson) * 1000) / 1000, unit: 'ratio' },
      { name: 'Avro / record JSON', value: Math.round((avro / recordJson) * 1000) / 1000, unit: 'ratio' },
    ],
  }
}

if (require.main === module) {
  contractEncode()
    .then((result) => {
      console.log(result.notes)
      for (const f of result.figures)
        console.log(`${f.name.padEnd(44)} ${String(f.value).padStart(12)} ${f.unit}`)
    })
    .catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
}
