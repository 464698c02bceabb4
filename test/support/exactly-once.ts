// What the fault tests check after a crash and a restart, as a downstream consumer would see it:
// every topic read read_committed from the beginning holds each change exactly once (no key with
// the same image twice, no second tombstone without an upsert between), and its compacted view
// equals what the simulator holds.
import type { ResourceName } from '../../src/resources'
import { defaultCredential, type RunningSimulator } from '../../src/simulator'
import { paceFor } from './pace'
import {
  comparable,
  readAll,
  simulatorTable,
  tablesEqual,
  topicDecoder,
  type ExpectedOptions,
  type TopicRow,
} from './compacted'

export interface Infra {
  brokers: string[]
  registryUrl: string
}

/** The environment a CLI child needs to read `sim` and publish under `prefix`. */
export function captureEnv(
  infra: Infra,
  sim: { url: string; rateLimited?: boolean },
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...paceFor(sim),
    PERSONIO_BASE_URL: sim.url,
    PERSONIO_CLIENT_ID: defaultCredential.clientId,
    PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    TOPIC_PREFIX: prefix,
    TOPIC_REPLICATION_FACTOR: '1',
    LOG_LEVEL: 'error',
    // two `run`s at once must not fight over the ops port (the default 9464)
    METRICS_PORT: '0',
    // Deletes that pile up during an outage (a leaver and an absence type per changeCompany round)
    // can pass the guard's share of a small table: they are held, and confirmed by the next full
    // listing instead of an hour later or a person's approval. test/integration/capture/deletes.test.ts
    // tests the hold, test/integration/capture/delete-approval.test.ts the approval.
    DELETE_GUARD_MODE: 'hold-then-publish',
    DELETE_GUARD_HOLD_MS: '0',
    ...extra,
  }
}

export interface TopicAudit {
  resource: ResourceName
  records: number
  /** key + image seen more than once, or a tombstone repeated without an upsert between */
  duplicates: string[]
  /** the compacted view: key text → record as decoded (custom attributes included) */
  table: Map<string, TopicRow>
}

/** How an audit reads a topic's records: the key as its text, the value decoded with its writer schema. */
export interface AuditDecoder {
  keyText(resource: ResourceName, key: Buffer): Promise<string>
  decodeValue(value: Buffer): Promise<{ record: TopicRow; meta: { op: string; deleted?: boolean } }>
}

/**
 * A topic's records, read_committed from the beginning: a key's image twice, or a second tombstone
 * without an upsert between, is a duplicate; the table is what compaction leaves.
 */
export async function auditRecords(
  resource: ResourceName,
  records: readonly { key: Buffer | null; value: Buffer | null }[],
  decoder: AuditDecoder,
): Promise<TopicAudit> {
  const seen = new Set<string>()
  const last = new Map<string, string>()
  const duplicates: string[] = []
  const table = new Map<string, TopicRow>()
  for (const rec of records) {
    if (rec.key === null) continue
    const text = await decoder.keyText(resource, rec.key)
    if (rec.value === null) {
      if (last.get(text) === 'd') duplicates.push(`${text} tombstone twice`)
      last.set(text, 'd')
      table.delete(text)
      continue
    }
    const { record, meta } = await decoder.decodeValue(rec.value)
    const image = `${text} ${JSON.stringify(record)}`
    if (seen.has(image)) duplicates.push(`${text} same image twice (op ${meta.op})`)
    seen.add(image)
    last.set(text, meta.op)
    if (meta.deleted === true) table.delete(text)
    else table.set(text, record)
  }
  return { resource, records: records.length, duplicates, table }
}

export async function auditTopic(infra: Infra, prefix: string, resource: ResourceName): Promise<TopicAudit> {
  const records = await readAll(infra.brokers, `${prefix}.${resource}`)
  return auditRecords(resource, records, topicDecoder(infra.registryUrl, prefix))
}

/** An audit holds no duplicate, and its table equals what the simulator holds (`want`). */
export function expectAuditEquals(audit: TopicAudit, want: Parameters<typeof comparable>[2]): void {
  expectNoDuplicates(audit)
  const rows = comparable(audit.resource, audit.table, want)
  expect({ resource: audit.resource, records: audit.records, rows: rows.actual }).toEqual({
    resource: audit.resource,
    records: audit.records,
    rows: rows.expected,
  })
}

const expectNoDuplicates = ({ resource, duplicates }: TopicAudit) =>
  expect({ resource, duplicates }).toEqual({ resource, duplicates: [] })

/**
 * Every resource: no duplicates, and the compacted view equals what the simulator holds, as test
 * code reads it from the simulator's raw JSON (custom attributes and `expected.fieldPolicy` included).
 */
export async function expectExactlyOnce(
  infra: Infra,
  sim: RunningSimulator,
  prefix: string,
  only: readonly ResourceName[],
  expected: ExpectedOptions = {},
): Promise<TopicAudit[]> {
  const audits: TopicAudit[] = []
  for (const resource of only) {
    const [audit, want] = await Promise.all([
      auditTopic(infra, prefix, resource),
      simulatorTable(sim, resource, expected),
    ])
    expectAuditEquals(audit, want)
    audits.push(audit)
  }
  return audits
}

/**
 * A running capture converges: polls the topics until every compacted view equals the simulator
 * (a duplicate fails at once: it never goes away) or the deadline passes, then fails with the
 * difference. Fixed sleeps before stopping a `run` guessed how long recovery takes on a loaded
 * machine; this waits for the outcome itself. After convergence the capture keeps running for
 * `settleMs`, so a late duplicate (a batch delivered again after a rejoin) still reaches the
 * caller's final exactly-once check.
 */
export async function expectConverged(
  infra: Infra,
  sim: RunningSimulator,
  prefix: string,
  only: readonly ResourceName[],
  {
    timeoutMs = 90_000,
    settleMs = 5_000,
    expected = {},
  }: { timeoutMs?: number; settleMs?: number; expected?: ExpectedOptions } = {},
): Promise<void> {
  const started = Date.now()
  for (;;) {
    const audits = await Promise.all(only.map((r) => auditTopic(infra, prefix, r)))
    audits.forEach(expectNoDuplicates)
    const tables = await Promise.all(only.map((r) => simulatorTable(sim, r, expected)))
    if (audits.every((audit, i) => tablesEqual(audit.resource, audit.table, tables[i] ?? new Map()))) break
    if (Date.now() - started > timeoutMs) {
      await expectExactlyOnce(infra, sim, prefix, only, expected) // fails with the difference
      break
    }
    await new Promise((r) => setTimeout(r, 1_000))
  }
  await new Promise((r) => setTimeout(r, settleMs))
}

/** One round of edits through the company: updates, a hire, a leaver (with their time-offs), a removed type. */
export function changeCompany(sim: RunningSimulator, round = 0): void {
  const c = sim.company
  c.clock.advance(60_000)
  const employees = c.list('employees')
  const [e0, e1, e2] = employees
  c.update('employees', e0?.id as number, { position: `Role ${round}` })
  c.create('employees', {
    firstName: 'Grace',
    lastName: `Hopper ${round}`,
    email: `grace${round}@example.com`,
  })
  const leaver = e1?.id as number
  c.remove('employees', leaver)
  for (const t of c.list('timeOffs').filter((t) => t.employeeId === leaver)) c.remove('timeOffs', t.id)
  const [t0] = c.list('timeOffs')
  c.update('timeOffs', t0?.id as number, { comment: `changed ${round}` })
  c.create('timeOffs', { employeeId: e2?.id as number, comment: `new ${round}` })
  const types = c.list('timeOffTypes')
  c.update('timeOffTypes', types[0]?.id as number, { name: `Urlaub ${round}` })
  if (types.length > 2) c.remove('timeOffTypes', types[types.length - 1]?.id as number)
  c.balanceAdjustments.set(`${e2?.id as number}:${types[0]?.id as number}`, 2.5 + round)
  // The simulator computes report rows live; Personio moves data_refreshed_at when they change.
  for (const r of c.list('reports')) c.update('reports', r.id, { dataRefreshedAt: c.clock.now() })
}
