// A capture context of in-memory ports for a stage's units: a Personio that pages custom reports
// from a map, a sink that keeps every transaction, the real serial turns and lanes.
import { createSerial, type CaptureContext } from '../../../../../src/capture/context'
import { createLanes } from '../../../../../src/capture/engine/lanes'
import type { Prepared } from '../../../../../src/capture/read/prepare'
import { createCaptureMemory } from '../../../../../src/capture/state/memory'
import type { CaptureState } from '../../../../../src/capture/state/state'
import { noFieldPolicy } from '../../../../../src/contract/field-policy'
import { valueSchema } from '../../../../../src/contract/schema-builder'
import type { ResourceCodec } from '../../../../../src/contract/serde'
import type { ConsumedOffsets, OutgoingRecord } from '../../../../../src/kafka/port'
import { resources } from '../../../../../src/resources'

export const reports = resources.custom_reports
export const PAGE = reports.source.maxLimit ?? 100

const codec: ResourceCodec = {
  keyFormat: 'string',
  valueSchemaId: 1,
  encodeKey: (k) => Buffer.from(JSON.stringify(k)),
  encodeValue: (r) => Buffer.from(JSON.stringify(r)),
}
export const prepared: Prepared = { codec, policy: noFieldPolicy.apply(reports, valueSchema(reports)) }

/** A report's rows as Personio pages them: employees `from`..`to`, `PAGE` a page. */
function reportApi(rows: Map<string, number[]>, asked: string[]) {
  return (target: string) => {
    asked.push(target)
    const m = /reports\/(\w+)\?page=(\d+)/.exec(target)
    const ids = rows.get(m?.[1] ?? '') ?? []
    const page = Number(m?.[2] ?? 1)
    const items = ids.slice((page - 1) * PAGE, page * PAGE).map((id) => ({
      employee_id: id,
      attributes: [{ attribute_id: 'first_name', data_type: 'TEXT', value: `name ${id}` }],
    }))
    const total_pages = Math.max(1, Math.ceil(ids.length / PAGE))
    return Promise.resolve({
      success: true,
      data: [{ type: 'Report', attributes: { id: m?.[1], items } }],
      metadata: { total_pages },
    })
  }
}

export interface Transaction {
  records: OutgoingRecord[]
  consumed?: ConsumedOffsets
}

export function fakeContext(state: CaptureState, rows: Map<string, number[]>, maxTransactionRecords: number) {
  const transactions: Transaction[] = []
  const asked: string[] = []
  const ctx = {
    state,
    prefix: 'p',
    settings: { custom_reports: { enabled: true } },
    stateTopic: 'p._state',
    dlqTopic: 'p._dlq',
    deleteMode: 'tombstone',
    fieldPolicy: noFieldPolicy,
    memory: createCaptureMemory(),
    clock: { now: () => 1_000 },
    stopping: new AbortController().signal,
    limits: { due: () => undefined, written: () => undefined },
    logger: { warn: () => undefined, info: () => undefined, debug: () => undefined },
    messageLimit: () => 1_000_000,
    maxTransactionRecords,
    serial: createSerial().serial,
    lanes: createLanes(),
    http: { getJson: reportApi(rows, asked) },
    serde: { prepare: () => Promise.resolve(codec) },
    events: {
      publish: (_resource: string, records: readonly OutgoingRecord[], consumed?: ConsumedOffsets) => {
        transactions.push({ records: [...records], consumed })
        return Promise.resolve()
      },
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
    },
  } as unknown as CaptureContext
  return { ctx, transactions, asked }
}
