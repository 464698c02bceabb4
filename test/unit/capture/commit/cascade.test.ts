// A deleted person takes their absences, hourly absences and attendances along: found by the
// employee id each record remembers, tombstoned in the very transaction that publishes the person's
// delete (so exactly when it is published, once), and a record moved to another person stays.
// The rule against in-memory ports: a sink that keeps what each transaction wrote.
import {
  cascadeKeys,
  deletedIds,
  dependentsOf,
  rememberCascaded,
  withoutCascaded,
} from '../../../../src/capture/commit/cascade'
import { commitPart, type Part } from '../../../../src/capture/commit/commit'
import { createSerial, type CaptureContext } from '../../../../src/capture/context'
import { deleteEvent, diffRecords } from '../../../../src/capture/rules/diff'
import { createCaptureMemory } from '../../../../src/capture/state/memory'
import type { Prepared } from '../../../../src/capture/read/prepare'
import type { Known } from '../../../../src/capture/state/keys'
import { CaptureState } from '../../../../src/capture/state/state'
import { noFieldPolicy } from '../../../../src/contract/field-policy'
import type { ResourceCodec } from '../../../../src/contract/serde'
import type { OutgoingRecord } from '../../../../src/kafka/port'
import { resources } from '../../../../src/resources'

const known = (employeeId: number | undefined): Known => ({
  f: `fp-${String(employeeId)}`,
  ...(employeeId === undefined ? {} : { r: { employee_id: employeeId } }),
})

const codec: ResourceCodec = {
  keyFormat: 'string',
  valueSchemaId: 1,
  encodeKey: (k) => Buffer.from(JSON.stringify(k)),
  encodeValue: (r) => Buffer.from(JSON.stringify(r)),
}
const prepared: Prepared = {
  codec,
  policy: noFieldPolicy.apply(resources.employees, { type: 'record', name: 'x', namespace: 'x', fields: [] }),
}

/** A capture context of in-memory ports: every transaction's records, in order. */
function fakeContext(state: CaptureState) {
  const transactions: OutgoingRecord[][] = []
  const serial = createSerial()
  const ctx = {
    state,
    prefix: 'p',
    // absence_periods is not captured: nothing of it is published
    settings: Object.fromEntries(['employees', 'absences', 'attendances'].map((n) => [n, { enabled: true }])),
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
    serde: { prepare: () => Promise.resolve(codec) },
    serial: serial.serial,
    events: {
      publish: (_resource: string, records: readonly OutgoingRecord[]) => {
        transactions.push([...records])
        return Promise.resolve()
      },
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
    },
  } as unknown as CaptureContext
  return { ctx, transactions }
}

const topicsOf = (records: readonly OutgoingRecord[]) =>
  records.map((r) => `${r.topic} ${r.key?.toString() ?? ''} ${r.value === null ? 'null' : 'value'}`)

describe('capture > cascade', () => {
  it('the declarations say which resources go with a deleted employee, and capture reads only them', () => {
    expect(dependentsOf('employees').map((d) => [d.resource.name, d.field])).toEqual([
      ['absence_periods', 'employee_id'],
      ['absences', 'employee_id'],
      ['attendances', 'employee_id'],
    ])
    expect(dependentsOf('absence_types')).toEqual([]) // balances go with a type through their stage
  })

  it('finds the known records of the deleted parents, and not one moved to another parent', () => {
    const state = new Map<string, Known>([
      ['[1]', known(5)],
      ['[2]', known(5)],
      ['[3]', known(6)], // moved from 5 to 6: remembers 6
      ['[4]', known(undefined)], // nothing remembered: left to the full listing
    ])
    expect(cascadeKeys(state, 'employee_id', new Set(['5']))).toEqual(['[1]', '[2]'])
    expect(cascadeKeys(state, 'employee_id', new Set())).toEqual([])
  })

  it('takes the deleted ids from delete events only', () => {
    const events = [
      { resource: 'employees', key: { id: 5 }, op: 'd' as const, record: null, snapshot: false },
      { resource: 'employees', key: { id: 6 }, op: 'u' as const, record: { id: 6 }, snapshot: false },
    ]
    expect([...deletedIds(resources.employees, events)]).toEqual(['5'])
  })

  it("publishes a person's absences and attendances in the transaction of the person's tombstone, once", async () => {
    const state = new CaptureState()
    state.commit({
      resource: 'employees',
      known: new Map([
        ['[5]', known(undefined)],
        ['[6]', known(undefined)],
      ]),
    })
    state.commit({
      resource: 'absences',
      known: new Map([
        ['[10]', known(5)],
        ['[11]', known(6)],
      ]),
    })
    state.commit({ resource: 'attendances', known: new Map([['["a-1"]', known(5)]]) })
    state.commit({ resource: 'absence_periods', known: new Map([['["p-1"]', known(5)]]) })
    const { ctx, transactions } = fakeContext(state)
    const part: Part = {
      events: [deleteEvent(resources.employees, '[5]', known(undefined))],
      deadLetters: [],
      delta: new Map([['[5]', null]]),
    }
    await commitPart(ctx, resources.employees, prepared, part)
    expect(transactions).toHaveLength(1)
    expect(topicsOf(transactions[0]!).filter((t) => !t.startsWith('p._state'))).toEqual([
      'p.employees {"id":5} null',
      'p.absences {"id":10} null',
      'p.attendances {"id":"a-1"} null',
    ])
    // the state that forgets them is in the same transaction
    expect(transactions[0]!.filter((r) => r.topic === 'p._state').map((r) => r.key?.toString())).toEqual([
      'known/employees/[5]',
      'known/absences/[10]',
      'known/attendances/["a-1"]',
    ])
    expect([...state.knownOf('absences').keys()]).toEqual(['[11]'])
    expect(state.knownOf('attendances').size).toBe(0)

    // the same delete again (a second announcement): nothing left to tombstone
    await commitPart(ctx, resources.employees, prepared, { events: [], deadLetters: [], delta: new Map() })
    await commitPart(ctx, resources.employees, prepared, part)
    const later = transactions.slice(1).flatMap(topicsOf)
    expect(later.filter((t) => t.startsWith('p.absences') || t.startsWith('p.attendances'))).toEqual([])
  })

  it('state written before the cascade existed learns the employee id from the next read, publishing nothing', () => {
    const record = { id: 'a-1', employee_id: 5 }
    const before = diffRecords(
      resources.attendances,
      [{ resource: 'attendances', key: { id: 'a-1' }, op: 'r', record, snapshot: false }],
      new Map(),
      { snapshot: false, refFields: [], keepImages: false },
    ).delta.get('["a-1"]')!
    expect(before.r).toBeUndefined() // as an older release kept it
    const again = diffRecords(
      resources.attendances,
      [{ resource: 'attendances', key: { id: 'a-1' }, op: 'r', record, snapshot: false }],
      new Map([['["a-1"]', before]]),
      { snapshot: false, refFields: ['employee_id'], keepImages: false },
    )
    expect(again.events).toEqual([])
    expect(again.delta.get('["a-1"]')).toEqual({ f: before.f, r: { employee_id: 5 } })
  })

  it('a listing read before the cascade does not bring the tombstoned records back', async () => {
    const state = new CaptureState()
    state.commit({ resource: 'employees', known: new Map([['[5]', known(undefined)]]) })
    state.commit({ resource: 'absences', known: new Map([['[10]', known(5)]]) })
    const { ctx, transactions } = fakeContext(state)
    // the absences listing began at 500 and read absence 10 (person 5's) before the person went
    const readSince = 500
    const page = diffRecords(
      resources.absences,
      [
        {
          resource: 'absences',
          key: { id: 10 },
          op: 'r',
          record: { id: 10, employee_id: 5 },
          snapshot: false,
        },
        {
          resource: 'absences',
          key: { id: 12 },
          op: 'r',
          record: { id: 12, employee_id: 7 },
          snapshot: false,
        },
      ],
      new Map(),
      { snapshot: false, refFields: ['employee_id'], keepImages: false },
    )
    const part: Part = { events: page.events, deadLetters: [], delta: page.delta }
    await commitPart(ctx, resources.employees, prepared, {
      events: [deleteEvent(resources.employees, '[5]', known(undefined))],
      deadLetters: [],
      delta: new Map([['[5]', null]]),
    })
    expect(transactions.flatMap(topicsOf)).toContain('p.absences {"id":10} null')
    const kept = withoutCascaded(resources.absences, part, ctx.memory.cascaded.get('absences'), readSince)
    expect(kept.events.map((e) => e.key)).toEqual([{ id: 12 }])
    expect([...kept.delta.keys()]).toEqual(['[12]'])
    // a listing that began after the cascade (clock 1,000) is no longer second-guessed
    const later = withoutCascaded(resources.absences, part, ctx.memory.cascaded.get('absences'), 2_000)
    expect(later.events.map((e) => e.key)).toEqual([{ id: 10 }, { id: 12 }])
  })

  it('forgets cascaded keys a day later', () => {
    const memory = createCaptureMemory()
    rememberCascaded(memory, 'absences', ['[1]'], 0)
    rememberCascaded(memory, 'absences', ['[2]'], 24 * 3_600_000 + 1)
    expect([...memory.cascaded.get('absences')!.keys()]).toEqual(['[2]'])
  })
})
