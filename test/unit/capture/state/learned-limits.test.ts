import {
  createLimitsLedger,
  type LearnedLimits,
  type PaceSource,
} from '../../../../src/capture/state/learned-limits'
import type { LearnedFamily } from '../../../../src/personio/rate-families'

describe('capture > learned-limits', () => {
  function source(start: LearnedLimits = {}) {
    let now: LearnedLimits = { ...start }
    const s: PaceSource & { set(next: LearnedLimits): void } = {
      learned: () => now,
      startOf: (family: LearnedFamily) => ({
        rate: 5,
        burst: 15,
        ...(family === 'v2' ? { rate: 10, burst: 10 } : {}),
      }),
      set: (next) => {
        now = next
      },
    }
    return s
  }
  const record = (value: object) => Buffer.from(JSON.stringify({ v: 1, ...value }))

  it('writes nothing while the figures are where they started', () => {
    const ledger = createLimitsLedger(
      source({ balances: { rate: 5.2, burst: 15 }, v2: { rate: 10, burst: 10 } }),
    )
    expect(ledger.due('p._state', 1_000)).toBeUndefined()
  })

  it('writes a family whose pace moved notably, keyed limits/<family>, then waits a minute before the next', () => {
    const pace = source({ balances: { rate: 2.5, burst: 7.5, height: 3 }, employees: { rate: 5, burst: 15 } })
    const ledger = createLimitsLedger(pace)
    const due = ledger.due('p._state', 1_000)
    expect(due?.figures).toEqual({ balances: { rate: 2.5, burst: 7.5, height: 3 } })
    expect(
      due?.records.map((r) => [r.topic, r.key.toString(), JSON.parse(String(r.value)), r.timestamp]),
    ).toEqual([['p._state', 'limits/balances', { v: 1, rate: 2.5, burst: 7.5, height: 3, at: 1_000 }, 1_000]])
    ledger.written(due?.figures ?? {}, 1_000)
    pace.set({ balances: { rate: 2, burst: 6, height: 2.5 } })
    expect(ledger.due('p._state', 50_000)).toBeUndefined() // within the minute
    expect(ledger.due('p._state', 61_000)?.figures).toEqual({ balances: { rate: 2, burst: 6, height: 2.5 } })
  })

  it('does not write again what it wrote, nor a move of a few per cent', () => {
    const pace = source({ balances: { rate: 2.5, burst: 7.5 } })
    const ledger = createLimitsLedger(pace)
    ledger.written(ledger.due('p._state', 0)?.figures ?? {}, 0)
    pace.set({ balances: { rate: 2.6, burst: 7.8 } })
    expect(ledger.due('p._state', 120_000)).toBeUndefined()
  })

  it('tries again at the next commit when the transaction that held them did not commit', () => {
    const ledger = createLimitsLedger(source({ v1: { rate: 30, burst: 60 } }))
    expect(ledger.due('p._state', 0)).toBeDefined()
    // no `written`: aborted
    expect(ledger.due('p._state', 1)).toBeDefined()
  })

  it('reads back its own records, the latest per family, and passes over what it cannot read', () => {
    const ledger = createLimitsLedger(source())
    ledger.load('cursor/employees', Buffer.from('{}'))
    ledger.load('limits/balances', record({ rate: 9, burst: 27 }))
    ledger.load('limits/balances', record({ rate: 2.5, burst: 2, height: 2.7 }))
    ledger.load('limits/v2', record({ rate: 12, burst: 12 }))
    ledger.load('limits/v2', null)
    ledger.load('limits/employees', Buffer.from('not json'))
    ledger.load('limits/v1', record({ v: 2, rate: 3, burst: 3 }))
    ledger.load('limits/v1-auth', record({ rate: 3, burst: 3 }))
    expect(ledger.restored()).toEqual({ balances: { rate: 2.5, burst: 2, height: 2.7 } })
  })

  it('measures a move from the restored figure, not from the documented one', () => {
    const ledger = createLimitsLedger(source({ balances: { rate: 2.5, burst: 2, height: 2.7 } }))
    ledger.load('limits/balances', record({ rate: 2.5, burst: 2, height: 2.7 }))
    expect(ledger.due('p._state', 0)).toBeUndefined()
  })
})
