// What bounds a stage transaction in memory: TRANSACTION_MAX_RECORDS records or about
// STAGE_TRANSACTION_MAX_BYTES of them, whichever comes first; and a parent counts as read only once
// the transaction holding its rows has committed.
import type { Part } from '../../../../../src/capture/commit/part'
import { approxBytes, StageTransaction } from '../../../../../src/capture/sources/stage/stage-transaction'
import { CaptureState } from '../../../../../src/capture/state/state'
import { fakeContext, prepared, reports } from './fake-stage-context'

/** A part of one report row whose cells take `bytes` characters. */
const row = (employee: number, bytes: number): Part => {
  const key = { report_id: 'r1', employee_id: employee, effective_date: '' }
  const record = { ...key, cells: 'x'.repeat(bytes) }
  return {
    events: [{ resource: 'custom_reports', key, op: 'c', record, snapshot: false }],
    deadLetters: [],
    delta: new Map([[JSON.stringify(['r1', employee, '']), { f: `fp${employee}` }]]),
  }
}

describe('capture > stage transaction', () => {
  it('estimates a record by its strings, numbers and flags', () => {
    expect(approxBytes('abcd')).toBe(4)
    expect(approxBytes({ a: 'abcd', b: 7, c: null })).toBe(2 + 5 + 9 + 2)
  })

  it('commits once it holds the byte budget, long before the record limit', async () => {
    const { ctx, transactions } = fakeContext(new CaptureState({ custom_reports: 0 }), new Map(), 5_000)
    const tx = new StageTransaction(ctx, reports, prepared, new Map(), { records: 5_000, bytes: 100_000 })
    for (let i = 1; i <= 25; i++) await tx.add(() => row(i, 10_000))
    // 10 rows of ~10 KB reach 100 KB: two transactions of 10, five rows still open
    expect(transactions.map((t) => t.records.filter((r) => r.topic === 'p.custom_reports').length)).toEqual([
      10, 10,
    ])
    await tx.finish(undefined, undefined)
    expect(transactions).toHaveLength(3)
    expect(tx.events).toBe(25)
  })

  it('counts a parent as read when the transaction holding it has committed, not before', async () => {
    const { ctx } = fakeContext(new CaptureState({ custom_reports: 0 }), new Map(), 5_000)
    const reads = new Map<string, number>()
    const tx = new StageTransaction(ctx, reports, prepared, reads, { records: 5_000, bytes: 1_000_000 })
    await tx.add(() => {
      tx.parentRead('r1', 500)
      return row(1, 10)
    })
    expect(reads.size).toBe(0)
    await tx.finish(undefined, undefined)
    expect([...reads]).toEqual([['r1', 500]])
  })
})
