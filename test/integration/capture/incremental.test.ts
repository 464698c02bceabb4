// The incremental read's hard cases against the simulator, on the in-memory Kafka and registry
// (test/support/memory-engine.ts): re-read records (ties at the cursor,
// the overlap window) are not re-published; a record changed while its listing is paged is caught
// by the next cycle because of the overlap; a custom attribute added between cycles becomes a
// registered field and reaches every employee; a snapshot stopped halfway resumes at its last
// committed page.
import { subscribe } from '../../../src/ops/channels'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { memoryWorld, type MemoryWorld } from '../../support/memory-engine'

/** One sync --once of employees alone. */
const sync = (world: MemoryWorld, extra: Record<string, string> = {}) =>
  world.syncOnce({ CAPTURE_RESOURCES: 'employees', ...extra })

const reportOf = (events: Awaited<ReturnType<typeof sync>>) => {
  const e = events.find((x) => x.resource === 'employees')
  if (e?.kind !== 'cycle' || !('published' in e.report))
    throw new Error(`employees did not cycle: ${JSON.stringify(e)}`)
  return e.report
}

describe('capture > incremental reads', () => {
  let sim: RunningSimulator
  beforeEach(async () => {
    sim = await startSimulator({ employees: 150, rateLimits: false, reports: 0 })
  })
  afterEach(() => sim.close())

  it('re-reads the cursor second and the overlap window inclusively, and publishes only what changed', async () => {
    const world = memoryWorld(sim, 'incr')
    await sync(world, { OVERLAP_MS: '3600000' })
    const [a, b] = sim.company.list('employees')
    sim.company.clock.advance(5_000)
    sim.company.update('employees', a?.id as number, { position: 'Tie breaker' })
    const first = reportOf(await sync(world, { OVERLAP_MS: '3600000' }))
    expect(first).toMatchObject({ plan: 'incremental', published: { c: 0, u: 1, r: 0, d: 0 } })
    // The next cycle reads the cursor's own second and an hour before it again: nothing new.
    const idle = reportOf(await sync(world, { OVERLAP_MS: '3600000' }))
    expect(idle.read).toBeGreaterThanOrEqual(1)
    expect(idle.published).toEqual({ c: 0, u: 0, r: 0, d: 0 })
    // A change one second after the cursor, with no overlap at all, is still read.
    sim.company.update('employees', b?.id as number, { position: 'One second later' })
    const next = reportOf(await sync(world, { OVERLAP_MS: '0' }))
    expect(next.published).toEqual({ c: 0, u: 1, r: 0, d: 0 })
    await world.expectTopicsEqualSimulator(['employees'])
    const events = world.size('employees')
    expect(events).toBe(150 + 2) // the snapshot, and each change exactly once
  })

  it('catches a record changed behind the listing while it was paged, through the overlap', async () => {
    const world = memoryWorld(sim, 'paged')
    // Slow pages, so the test can change the company between them.
    sim.faults.inject({ path: '/v1/company/employees', delayMs: 400 })
    const [early] = sim.company.list('employees')
    const late = sim.company.list('employees')[120]
    const running = sync(world, { OVERLAP_MS: '60000' })
    // Wait until the first page was served, then change a record on it and, later, one on page two.
    while (!sim.log.some((l) => l.path === '/v1/company/employees' && l.query.includes('offset=0')))
      await new Promise((r) => setTimeout(r, 20))
    sim.company.update('employees', early?.id as number, { position: 'Changed behind the reader' })
    sim.company.clock.advance(5_000)
    sim.company.update('employees', late?.id as number, { position: 'Changed ahead of the reader' })
    await running
    sim.faults.clear()
    const table = await world.readTable('employees')
    expect(table.table.get(`[${early?.id as number}]`)?.position).not.toBe('Changed behind the reader')
    expect(table.table.get(`[${late?.id as number}]`)?.position).toBe('Changed ahead of the reader')
    // The cursor is at the later change; the earlier one is 5 s below it, inside the overlap. The
    // cycle must be an incremental read: a full listing would find the change without any overlap.
    const mark = sim.log.length
    const next = reportOf(await sync(world, { OVERLAP_MS: '60000' }))
    expect(next.plan).toBe('incremental')
    const listed = sim.log.slice(mark).filter((l) => l.path === '/v1/company/employees')
    expect(listed.length).toBeGreaterThan(0)
    for (const request of listed)
      expect(Object.fromEntries(new URLSearchParams(request.query))).toHaveProperty('updated_since')
    expect(next.published.u).toBe(1)
    await world.expectTopicsEqualSimulator(['employees'])
  })

  it('registers a custom attribute that appeared between cycles and fills it on every employee', async () => {
    const world = memoryWorld(sim, 'attr')
    await sync(world)
    const def = sim.company.addCustomAttribute({
      label: 'Shoe size',
      type: 'integer',
      universalId: 'shoe_size',
    })
    const report = reportOf(await sync(world))
    // Personio does not bump last_modified_at for a new attribute: the grown schema forces a full
    // read, which publishes the employees that carry a value (an empty one is no change)
    const carrying = sim.company.list('employees').filter((e) => e.custom[def.key] !== null).length
    expect(carrying).toBeGreaterThan(100)
    expect(report).toMatchObject({ plan: 'reconcile', published: { u: carrying } })
    const latest = await world.registry.latest(`${world.prefix}.employees-value`)
    const fields = (
      JSON.parse(latest?.schema ?? '{}') as { fields: { name: string; 'personio.attribute'?: string }[] }
    ).fields
    const field = fields.find((f) => f['personio.attribute'] === def.key)
    expect(field?.name).toBe('shoe_size')
    const table = await world.readTable('employees')
    for (const e of sim.company.list('employees'))
      expect(table.table.get(`[${e.id}]`)?.shoe_size ?? null).toBe(e.custom[def.key])
  })

  it('resumes a snapshot stopped halfway at its last committed page', async () => {
    const world = memoryWorld(sim, 'resume')
    // The second page is refused (a credential losing its rights mid-run): the cycle stops there.
    // The refusal is armed when the engine has read the first page, before it can ask for the
    // next: that page's event is published while the page is diffed, and the simulator answers no
    // request before the next turn of the event loop. (Arming it on seeing the first request in
    // the simulator's log raced the reader's request for the second page.)
    let armed = false
    const unsubscribe = subscribe('personio-kafka:capture:page', (page) => {
      if (page.resource !== 'employees' || armed) return
      armed = true
      sim.faults.inject({ path: '/v1/company/employees', status: 403 })
    })
    let events: Awaited<ReturnType<typeof sync>>
    try {
      events = await sync(world, { TRANSACTION_MAX_RECORDS: '100' })
    } finally {
      unsubscribe()
    }
    expect(events.find((e) => e.resource === 'employees')?.kind).toBe('stopped')
    expect(sim.faults.hits().map((f) => f.hits)).toEqual([1]) // the second page, and nothing else
    const before = world.size('employees')
    expect(before).toBeGreaterThan(0)
    expect(before).toBeLessThan(150)
    sim.faults.clear()
    const mark = sim.log.length
    const resumed = reportOf(await sync(world))
    expect(resumed.plan).toBe('snapshot')
    const first = sim.log.slice(mark).find((l) => l.path === '/v1/company/employees')
    // It starts where the committed records end, or one row before (the pager re-reads the last row
    // of the page before, to notice a listing that shifted): never at the beginning.
    const resumedAt = Number(new URLSearchParams(first?.query ?? '').get('offset') ?? Number.NaN)
    expect(resumedAt).toBeGreaterThanOrEqual(before - 1)
    expect(resumedAt).toBeLessThanOrEqual(before)
    expect(world.size('employees')).toBe(150) // nothing twice
    await world.expectTopicsEqualSimulator(['employees'])
  })
})
