// A whole engine on the in-memory Kafka and registry (test/support/memory-engine.ts): no broker
// is touched, only the simulator's socket (which is why this file is not a unit test). A first
// sync is compared record by record with the simulator, and the next cycle picks up a change and
// a delete — the assertions sync.test.ts makes on a real broker, here in well under a second each.
import pino from 'pino'
import { subscribe } from '../../../src/ops/channels'
import { resourceNames } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { expectAllCycled } from '../../support/engine-run'
import { memoryWorld, type MemoryWorld } from '../../support/memory-engine'

describe('capture > a whole engine in memory', () => {
  let sim: RunningSimulator
  let world: MemoryWorld
  const took: Record<string, number> = {}

  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await work()
    } finally {
      took[name] = Math.round(performance.now() - started)
    }
  }

  beforeAll(async () => {
    sim = await startSimulator({ employees: 20, rateLimits: false, reports: 2 })
    world = memoryWorld(sim, 'mem')
  })
  afterAll(async () => {
    await sim.close()
    process.stdout.write(`memory engine, ms per sync: ${JSON.stringify(took)}\n`)
  })

  it('a first sync publishes every resource as the simulator holds it', async () => {
    expectAllCycled(await timed('first', () => world.syncOnce()))
    await world.expectTopicsEqualSimulator(resourceNames)
    const employees = await world.readTable('employees')
    expect(employees.table.size).toBe(20)
    expect(new Set(employees.lastOp.values())).toEqual(new Set(['r']))
    // every committed transaction also moved the cursor: the state says the snapshot is done
    expect((await world.state()).cursor('employees')).toMatchObject({ snapshotDone: true })
    expect(world.kafka.running()).toBe(0)
  })

  it('a cycle with nothing changed publishes nothing', async () => {
    const before = resourceNames.map((r) => world.kafka.topic(`mem.${r}`).length)
    expectAllCycled(await timed('idle', () => world.syncOnce()))
    expect(resourceNames.map((r) => world.kafka.topic(`mem.${r}`).length)).toEqual(before)
  })

  it('the next cycle picks up a change and a delete, the delete cascading to the absences', async () => {
    const c = sim.company
    c.clock.advance(60_000)
    const [changed, gone] = c.list('employees')
    c.update('employees', changed?.id as number, { position: 'Chief Everything Officer' })
    c.remove('employees', gone?.id as number)
    for (const t of c.list('timeOffs').filter((t) => t.employeeId === gone?.id)) c.remove('timeOffs', t.id)
    expectAllCycled(await timed('change', () => world.syncOnce({ RECONCILE_INTERVAL_MS: '0' })))
    await world.expectTopicsEqualSimulator(resourceNames)
    const employees = await world.readTable('employees')
    expect(employees.lastOp.get(`[${changed?.id as number}]`)).toBe('u')
    expect(employees.lastOp.get(`[${gone?.id as number}]`)).toBe('d')
    const tombstone = world.kafka
      .compacted('mem.employees')
      .filter((r) => r.value === null)
      .map((r) => r.timestamp)
    expect(tombstone).toHaveLength(1)
  })

  it('a named engine carries its name on every channel message, as two engines in one process need', async () => {
    const seen: { channel: string; engine?: string }[] = []
    const offs = (
      [
        'personio-kafka:capture:events',
        'personio-kafka:kafka:transaction',
        'personio-kafka:personio:request',
      ] as const
    ).map((channel) =>
      subscribe(channel, (m) => seen.push({ channel, engine: (m as { engine?: string }).engine })),
    )
    try {
      sim.company.clock.advance(60_000)
      const [someone] = sim.company.list('employees')
      sim.company.update('employees', someone?.id as number, { position: 'Named Engine Tester' })
      expectAllCycled(await world.syncOnce({}, { engine: 'acme' }))
    } finally {
      for (const off of offs) off()
    }
    expect(new Set(seen.map((s) => s.channel))).toEqual(
      new Set([
        'personio-kafka:capture:events',
        'personio-kafka:kafka:transaction',
        'personio-kafka:personio:request',
      ]),
    )
    expect(seen.filter((s) => s.engine !== 'acme')).toEqual([])
  })

  it('a start waiting out a Personio outage ends when it is abandoned', async () => {
    // Personio does not answer at all (a refused connection): the service would wait that out for
    // two minutes; a worker whose company moved elsewhere abandons the start instead
    const abandon = new AbortController()
    let waited: () => void = () => undefined
    const waiting = new Promise<void>((resolve) => (waited = resolve))
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void (line.includes('before starting') && waited()) },
    )
    const opened = world.open(
      { PERSONIO_BASE_URL: 'http://127.0.0.1:1' },
      { preflightPatienceMs: 120_000, signal: abandon.signal, logger },
    )
    opened.catch(() => undefined)
    await waiting
    abandon.abort()
    // within this test's 10 s, not after the two minutes of patience
    await expect(opened).rejects.toThrow()
  }, 10_000)
})
