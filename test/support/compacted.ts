// A topic as a table, the way a downstream consumer builds one: read_committed from the beginning
// to the end, keys and values decoded through the registry, the last value per key kept and a
// tombstone deleting the row. Also what the simulator holds, per resource, to compare with: read
// from its raw Personio JSON by test code (./expected), never through the product's mapping.
import '../../src/kafka/kafkajs/aborted-filter' // before kafkajs: read_committed must hide aborted records
import { Kafka, logLevel } from 'kafkajs'
import { createSchemaRegistry, type SchemaRegistryClient } from '../../src/contract/registry'
import { createSerde, decodeFramed } from '../../src/contract/serde'
import { createFeed } from '../../src/kafka/kafkajs/feed'
import type { IncomingRecord } from '../../src/kafka/port'
import type { ResourceName } from '../../src/resources'
import { uniqueName } from '../infra/env'
import {
  expectedTable,
  JSON_FIELDS,
  keyText,
  type ExpectedOptions,
  type Row,
  type SimulatorEndpoint,
} from './expected'
import { canonicalJsonText } from './expected/values'

export type { ExpectedOptions, FieldPolicy } from './expected'

/** A record as decoded from a topic (metadata fields left out). */
export type TopicRow = Record<string, unknown>

export interface TopicRead {
  records: IncomingRecord[]
  /** key text → last value (record fields only), without the deleted keys */
  table: Map<string, TopicRow>
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

/** A consumer's decoder for one prefix: Avro keys and values through the registry (writer schemas). */
export function topicDecoder(registryUrl: string, prefix: string) {
  return registryDecoder(createSchemaRegistry({ url: registryUrl }), prefix)
}

/** The same decoder over any registry client (the in-memory one of test/support/memory-engine.ts). */
export function registryDecoder(registry: SchemaRegistryClient, prefix: string) {
  const serde = createSerde({ registry, keyFormat: 'avro', prefix })
  return {
    /** the key's text as the tables use it: key values as JSON, in the contract's key order */
    async keyText(resource: ResourceName, bytes: Buffer): Promise<string> {
      return keyText(resource, (await decodeFramed(registry, bytes)) as Record<string, unknown>)
    },
    decodeValue: (bytes: Buffer) => serde.decodeValue(bytes),
  }
}

export async function readTable(
  brokers: string[],
  registryUrl: string,
  prefix: string,
  resource: ResourceName,
): Promise<TopicRead> {
  const decoder = topicDecoder(registryUrl, prefix)
  const records = await readAll(brokers, `${prefix}.${resource}`)
  const table = new Map<string, TopicRow>()
  const lastOp = new Map<string, string>()
  for (const rec of records) {
    if (rec.key === null) continue
    const text = await decoder.keyText(resource, rec.key)
    if (rec.value === null) {
      table.delete(text)
      lastOp.set(text, 'd')
      continue
    }
    const decoded = await decoder.decodeValue(rec.value)
    lastOp.set(text, decoded.meta.op)
    if (decoded.meta.deleted === true) table.delete(text)
    else table.set(text, decoded.record)
  }
  return { records, table, lastOp }
}

/**
 * What the simulator serves now, as the topic should hold it: key text → record, custom employee
 * attributes included, computed from its raw JSON by ./expected (never by src/resources).
 */
export function simulatorTable(
  sim: SimulatorEndpoint,
  resource: ResourceName,
  options: ExpectedOptions = {},
): Promise<Map<string, Row>> {
  return expectedTable(sim, resource, options)
}

export type Rows = [key: string, row: Record<string, unknown>][]

/**
 * Both tables in a form jest compares field by field: sorted by key, fields sorted, JSON text
 * compared by content. A field the topic carries beyond the expectation is left out only while it
 * is null — fields are never removed from a schema, so a custom attribute that vanished or changed
 * type keeps a field that stays null; anything else extra is a difference and shows.
 */
export function comparable(
  resource: ResourceName,
  actual: ReadonlyMap<string, TopicRow>,
  expected: ReadonlyMap<string, Row>,
): { actual: Rows; expected: Rows } {
  const json = new Set(JSON_FIELDS[resource])
  const norm = (name: string, v: unknown) =>
    json.has(name) && typeof v === 'string' ? canonicalJsonText(v) : v
  const shape = (row: Record<string, unknown>, wanted: Record<string, unknown> | undefined) =>
    Object.fromEntries(
      Object.keys(row)
        .filter((name) => wanted === undefined || name in wanted || row[name] !== null)
        .sort()
        .map((name) => [name, norm(name, row[name])]),
    )
  const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0)
  // A field the record was written without (it did not exist yet) reads as null with the newest
  // schema, as Avro schema resolution gives it to a consumer: only records carrying a value in a
  // new field are published again (docs/contract.md "Schema evolution").
  const resolved = (row: TopicRow, wanted: Record<string, unknown> | undefined): TopicRow =>
    wanted === undefined
      ? row
      : {
          ...Object.fromEntries(
            Object.keys(wanted)
              .filter((n) => !(n in row) && wanted[n] === null)
              .map((n) => [n, null]),
          ),
          ...row,
        }
  return {
    actual: [...actual]
      .map(([k, row]): Rows[number] => [k, shape(resolved(row, expected.get(k)), expected.get(k))])
      .sort(byKey),
    expected: [...expected].map(([k, row]): Rows[number] => [k, shape(row, undefined)]).sort(byKey),
  }
}

/** The topic's table equals the expectation (jest's toEqual, with the resource named on failure). */
export function expectTableToEqual(
  resource: ResourceName,
  actual: ReadonlyMap<string, TopicRow>,
  expected: ReadonlyMap<string, Row>,
): void {
  const both = comparable(resource, actual, expected)
  expect({ resource, rows: both.actual }).toEqual({ resource, rows: both.expected })
}

/** The same comparison as a yes or no (polling until a running capture converges). */
export function tablesEqual(
  resource: ResourceName,
  actual: ReadonlyMap<string, TopicRow>,
  expected: ReadonlyMap<string, Row>,
): boolean {
  try {
    expectTableToEqual(resource, actual, expected)
    return true
  } catch {
    return false
  }
}
