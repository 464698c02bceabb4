// A complete listing's deletes, run as whole poll cycles against an in-memory Personio and sink
// with virtual time (test/support/poll-world.ts): a listing that moved under the reader has its
// candidates checked by a second listing, and only keys missing from both are deleted; implausibly
// many missing at once are held, never published, until a person or the hold time says so.
import { resources } from '../../../../../src/resources'
import type { ResourceSettings } from '../../../../../src/capture/settings'
import { idOf, keyOf, pollWorld, type PollWorld } from '../../../../support/poll-world'

const employees = resources.employees

/**
 * A first snapshot published, then the clock past the reconciliation interval: the next cycle
 * lists in full. `settings`: the resource's, changed from the defaults.
 */
async function reconciling(size: number, settings: Partial<ResourceSettings> = {}): Promise<PollWorld> {
  const world = pollWorld(size)
  const ctx = world.ctx
  ctx.settings = { ...ctx.settings, employees: { ...ctx.settings.employees, ...settings } }
  const first = await world.cycle()
  expect(first.plan).toBe('snapshot')
  expect(world.publishedKeys()).toHaveLength(size)
  world.transactions.splice(0)
  world.clock.advance(ctx.settings.employees.reconcileMs)
  return world
}

describe('capture > a poll cycle > deletes', () => {
  it('checks a listing that moved under the reader with a second one: only keys missing from both are deleted', async () => {
    const world = await reconciling(30)
    const rows = [...world.employees]
    // two people listed on the first page leave before the second is read: it starts two rows
    // late, so the row after the first page's last is listed by neither page
    let moved = false
    world.beforePage = (offset) => {
      if (offset === 0 || moved) return
      moved = true
      world.employees.splice(2, 2)
    }
    const requests = world.requests.length
    const report = await world.cycle()
    expect(report.plan).toBe('reconcile')
    const listings = world.requests.slice(requests).filter((r) => r.includes('offset=0'))
    expect(listings).toHaveLength(2) // the listing, and the second one that checks its deletes
    // the skipped row is found by the second listing: nothing is deleted
    expect(world.publishedKeys()).toEqual([])
    expect(world.ctx.state.knownOf(employees.name).has(keyOf(rows[10]!))).toBe(true)
    expect(world.warnings.join('\n')).toMatch(/listing moved while it was read \(the row at offset 9/)
    // and the next cycle lists everything again: the two who left are gone from a listing that held still
    expect(world.ctx.state.cursor(employees.name).recheck).toBe(true)
    expect((await world.cycle()).plan).toBe('reconcile')
    expect(world.publishedKeys()).toEqual([`-${keyOf(rows[2]!)}`, `-${keyOf(rows[3]!)}`])
    expect(world.ctx.state.cursor(employees.name).recheck).toBeUndefined()
  })

  it('decides nothing when the second listing moved too: the next full listing judges afresh', async () => {
    const world = await reconciling(30)
    // each of the two listings moves at its second page
    let listings = 0
    let moved = 0
    world.beforePage = (offset) => {
      if (offset === 0) listings += 1
      else if (moved < listings && listings <= 2) {
        moved += 1
        world.employees.splice(2, 2)
      }
    }
    await world.cycle()
    expect(world.publishedKeys().filter((k) => k.startsWith('-'))).toEqual([])
    expect(world.ctx.state.cursor(employees.name).recheck).toBe(true)
    expect(world.warnings.join('\n')).toMatch(/moved while it was read, twice/)
  })

  it('holds a wave of deletes (more than the share at once), publishes none, and says so', async () => {
    const world = await reconciling(20)
    const gone = world.employees.splice(0, 10)
    await world.cycle()
    expect(world.publishedKeys()).toEqual([])
    const held = world.ctx.state.cursor(employees.name).heldDeletes
    expect(held?.count).toBe(10)
    expect(held?.waves[0]?.keys).toEqual(expect.arrayContaining(gone.map(keyOf)))
    expect(world.ctx.state.knownOf(employees.name).size).toBe(20) // nothing forgotten either
    expect(world.warnings.join('\n')).toMatch(/10 of 20 known employees records missing/)
  })

  it('publishes a held wave by the first listing after its hold time that finds the same records gone', async () => {
    const holdMs = 3_600_000
    // the hold alone brings the next full listing: the reconciliation interval is a day
    const world = await reconciling(20, {
      deleteGuardMode: 'hold-then-publish',
      deleteHoldMs: holdMs,
      reconcileMs: 86_400_000,
    })
    const gone = world.employees.splice(0, 10)
    await world.cycle()
    expect(world.publishedKeys()).toEqual([])
    world.clock.advance(holdMs / 2)
    expect((await world.cycle()).plan).toBe('incremental') // not due: changes only, nothing deleted
    expect(world.publishedKeys()).toEqual([])
    world.clock.advance(holdMs / 2)
    expect((await world.cycle()).plan).toBe('reconcile')
    expect(world.publishedKeys().sort()).toEqual(gone.map((r) => `-[${idOf(r)}]`).sort())
    expect(world.ctx.state.cursor(employees.name).heldDeletes).toBeUndefined()
  })
})
