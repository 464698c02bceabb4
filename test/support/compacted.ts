// A topic as a table, the way a downstream consumer builds one: read_committed from the beginning
// to the end, keys and values decoded through the registry, the last value per key kept and a
// tombstone deleting the row. Also what the simulator holds, per resource, to compare with.
import '../../src/kafka/kafkajs/aborted-filter' // before kafkajs: read_committed must hide aborted records
import { Kafka, logLevel } from 'kafkajs'
import { createSchemaRegistry } from '../../src/contract/registry'
import { createSerde } from '../../src/contract/serde'
import { createFeed } from '../../src/kafka/kafkajs/feed'
import type { IncomingRecord } from '../../src/kafka/port'
import { collect, createPersonioClient } from '../../src/personio'
import { reportRows, resources, type RecordValue, type ResourceName } from '../../src/resources'
import type { RunningSimulator } from '../../src/simulator'
import { uniqueName } from '../infra/env'

export interface TopicRead {
  records: IncomingRecord[]
  /** key text → last value (record fields only), without the deleted keys */
  table: Map<string, RecordValue>
  /** key text → the last op seen (`d` for a tombstone) */
  lastOp: Map<string, string>
}

const kafkaFor = (brokers: string[]) =>
  new Kafka({ brokers, clientId: 'test-table', logLevel: logLevel.NOTHING, requestTimeout: 5000 })

export async function readAll(brokers: string[], topic: string): Promise<IncomingRecord[]> {
  const out: IncomingRecord[] = []
  const feed = createFeed(kafkaFor(brokers), {
    groupId: uniqueName('table'),
    topics: [topic],
    untilCaughtUp: true,
  })
  await feed.run(async (batch) => {
    out.push(...batch.records)
  })
  return out.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))
}

export async function readTable(
  brokers: string[],
  registryUrl: string,
  prefix: string,
  resource: ResourceName,
): Promise<TopicRead> {
  const serde = createSerde({
    registry: createSchemaRegistry({ url: registryUrl }),
    keyFormat: 'avro',
    prefix,
  })
  const r = resources[resource]
  const records = await readAll(brokers, `${prefix}.${resource}`)
  const table = new Map<string, RecordValue>()
  const lastOp = new Map<string, string>()
  for (const rec of records) {
    if (rec.key === null) continue
    const key = await serde.decodeKey(r, rec.key)
    const text = JSON.stringify(r.key.map((k) => key[k]))
    if (rec.value === null) {
      table.delete(text)
      lastOp.set(text, 'd')
      continue
    }
    const decoded = await serde.decodeValue(rec.value)
    lastOp.set(text, decoded.meta.op)
    if (decoded.meta.deleted === true) table.delete(text)
    else table.set(text, decoded.record)
  }
  return { records, table, lastOp }
}

/** What the simulator serves now, read through the typed client and mapped: key text → record. */
export async function simulatorTable(
  sim: RunningSimulator,
  resource: ResourceName,
): Promise<Map<string, RecordValue>> {
  const client = createPersonioClient({
    baseUrl: sim.url,
    credentials: { clientId: 'sim-client', clientSecret: 'sim-secret' },
  })
  const r = resources[resource]
  const extraFields = undefined
  let items: unknown[]
  switch (resource) {
    case 'employees':
      items = await collect(client.employees.list())
      break
    case 'absences':
      items = await collect(client.timeOffs.list())
      break
    case 'absence_periods':
      items = await collect(client.absencePeriods.list())
      break
    case 'absence_types':
      items = await collect(client.timeOffTypes.list())
      break
    case 'attendances':
      items = await collect(client.attendancePeriods.list())
      break
    case 'projects':
      items = await collect(client.projects.list())
      break
    case 'document_categories':
      items = await client.documentCategories.list()
      break
    case 'custom_reports_list':
      items = await client.customReports.list()
      break
    case 'employees_absences_balance':
      items = []
      for (const e of sim.company.list('employees'))
        for (const row of await client.employees.absenceBalance(e.id))
          items.push({ ...row, employee_id: e.id })
      break
    case 'custom_reports':
      items = []
      for (const report of await client.customReports.list()) {
        if (report.attributes.status !== 'up_to_date') continue
        for (const page of await collect(client.customReports.items(report.attributes.id)))
          items.push(...reportRows(page))
      }
      break
  }
  const out = new Map<string, RecordValue>()
  for (const item of items) {
    const record = r.toRecord(item, { extraFields })
    out.set(JSON.stringify(r.key.map((k) => record[k])), record)
  }
  return out
}

/** The static fields of a record (custom employee attributes are compared separately). */
export function staticFields(resource: ResourceName, record: RecordValue): RecordValue {
  return Object.fromEntries(resources[resource].fields.map((f) => [f.name, record[f.name] ?? null]))
}
