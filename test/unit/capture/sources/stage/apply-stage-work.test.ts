// A stage unit against in-memory ports: a report of thousands of rows is read page by page into
// transactions bounded by TRANSACTION_MAX_RECORDS, never held whole; its deletes are decided only
// from its complete read; the consumed offsets and the cursor ride in the last transaction.
import { recordLastError } from '../../../../../src/capture/engine/last-error'
import { applyStageWork } from '../../../../../src/capture/sources/stage/apply-stage-work'
import { CaptureState } from '../../../../../src/capture/state/state'
import type { ConsumedOffsets } from '../../../../../src/kafka/port'
import { fakeContext, PAGE, prepared, reports, type Transaction } from './fake-stage-context'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const onTopic = (t: Transaction, topic: string) => t.records.filter((r) => r.topic === topic)
const deletesOf = (t: Transaction) => onTopic(t, 'p.custom_reports').filter((r) => r.value === null)
const consumed: ConsumedOffsets = {
  groupId: 'g',
  offsets: [{ topic: 'p.custom_reports_list', partition: 0, offset: '7' }],
}

/** The state after a first read of `rows`, and the transactions of a second unit over `next`. */
async function secondRead(rows: Map<string, number[]>, next: Map<string, number[]>, max: number) {
  const state = new CaptureState({ custom_reports: 0 })
  const first = fakeContext(state, rows, max)
  const work = { refresh: new Set(rows.keys()), removeScopes: new Set<string>(), removeWhere: [] }
  await applyStageWork(first.ctx, reports, prepared, work, undefined, 'first')
  const second = fakeContext(state, next, max)
  const again = { refresh: new Set(next.keys()), removeScopes: new Set<string>(), removeWhere: [] }
  const done = await applyStageWork(second.ctx, reports, prepared, again, consumed)
  return { state, done, ...second }
}

describe('capture > stage: a unit of work in bounded transactions', () => {
  it('commits a report of 3,500 rows in transactions of TRANSACTION_MAX_RECORDS plus at most a page', async () => {
    const rows = new Map([['r1', range(1, 3_500)]])
    const { ctx, transactions } = fakeContext(new CaptureState({ custom_reports: 0 }), rows, 1_200)
    const work = { refresh: new Set(['r1']), removeScopes: new Set<string>(), removeWhere: [] }
    const done = await applyStageWork(ctx, reports, prepared, work, consumed, 'first')
    const sizes = transactions.map((t) => onTopic(t, 'p.custom_reports').length)
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3_500)
    expect(done.events).toBe(3_500)
    for (const n of sizes) expect(n).toBeLessThanOrEqual(1_200 + PAGE)
    expect(transactions.length).toBeGreaterThan(1)
    // the offsets ride in the last transaction only
    expect(transactions.map((t) => t.consumed !== undefined)).toEqual([
      ...transactions.slice(1).map(() => false),
      true,
    ])
  })

  it("decides a report's deletes only once its last page is read, in a transaction after its rows", async () => {
    // 3,000 rows known; the second read lists 1..2,900 (three pages): 2,901..3,000 are gone
    const { transactions, state } = await secondRead(
      new Map([['r1', range(1, 3_000)]]),
      new Map([['r1', range(1, 2_900)]]),
      1_000,
    )
    const withDeletes = transactions.findIndex((t) => deletesOf(t).length > 0)
    expect(transactions.flatMap(deletesOf)).toHaveLength(100)
    // nothing changed in the rows listed, so only the deletes and the offsets are published, last
    expect(withDeletes).toBe(transactions.length - 1)
    expect(transactions[withDeletes]?.consumed).toEqual(consumed)
    expect(state.keysInScope('custom_reports', 'r1')).toHaveLength(2_900)
  })

  it('keeps every row of a report that answered no rows at all, and carries it as pending in the cursor', async () => {
    const { transactions, done, state } = await secondRead(
      new Map([['r1', range(1, 50)]]),
      new Map([['r1', []]]),
      1_000,
    )
    expect(done.undecided).toBe(1)
    expect(transactions.flatMap(deletesOf)).toHaveLength(0)
    expect(transactions).toHaveLength(1)
    expect(onTopic(transactions[0] as Transaction, 'p._state').map((r) => r.key.toString())).toContain(
      'cursor/custom_reports',
    )
    expect(state.cursor('custom_reports').pendingParents).toEqual(['r1'])
  })

  it('clears a last error recorded while the unit read: its final cursor is built in its last turn', async () => {
    const state = new CaptureState({ custom_reports: 0 })
    state.commit({
      resource: 'custom_reports',
      known: new Map(),
      cursor: { v: 1, resource: 'custom_reports', snapshotDone: true },
    })
    const { ctx } = fakeContext(state, new Map([['r1', [1, 2]]]), 1_000)
    // Personio answers once the earlier failure's error was recorded (engine/run.ts noteError)
    const answer = ctx.http.getJson.bind(ctx.http)
    let answered!: () => void
    const held = new Promise<void>((r) => (answered = r))
    Object.assign(ctx.http, {
      getJson: async (target: string) => {
        await held
        return answer(target)
      },
    })
    const work = { refresh: new Set(['r1']), removeScopes: new Set<string>(), removeWhere: [] }
    const unit = applyStageWork(ctx, reports, prepared, work, consumed)
    await new Promise((r) => setImmediate(r))
    await recordLastError(ctx, 'custom_reports', new Error('the batch before failed'))
    expect(state.cursor('custom_reports').lastError?.message).toBe('the batch before failed')
    answered()
    await unit
    expect(state.cursor('custom_reports').lastError).toBeUndefined()
  })
})
