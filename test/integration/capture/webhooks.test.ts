// Capture driven by Personio's webhooks, against the real broker, registry and the simulator
// delivering as Personio does: creates, updates and deletes of persons, absences and attendances
// reach the topics through deliveries with no company-wide listing in between; duplicated and
// reordered deliveries publish each change once and never bring a deleted record back; a receiver
// that was down catches up from the events endpoint.
import { openEngine, type Engine } from '../../../src/capture/engine/engine'
import { silentLogger } from '../../../src/ops/logger'
import { resources, type ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll, readTable, simulatorTable, tablesEqual } from '../../support/compacted'
import { configFor, cursorOf } from '../../support/engine-run'
import { freePort, waitFor } from '../../support/net-wait'
import { subscribe } from '../../support/subscribe'

const { brokers, registryUrl } = testInfra()
const TOKEN = 'Bearer test-token-0123456789abcdef'
const only: ResourceName[] = ['employees', 'absences', 'attendances', 'employees_absences_balance']

const converged = async (sim: RunningSimulator, prefix: string, names: readonly ResourceName[]) => {
  for (const name of names) {
    const [actual, expected] = await Promise.all([
      readTable(brokers, registryUrl, prefix, name),
      simulatorTable(sim, name),
    ])
    if (!tablesEqual(name, actual.table, expected)) return false
  }
  return true
}

/** Company-wide listings (not a read by id, not one person's time-offs). */
const listings = (sim: RunningSimulator, from: number) =>
  sim.log
    .slice(from)
    .filter(
      (l) =>
        l.path === '/v1/company/employees' ||
        (l.path === '/v1/company/time-offs' && !l.query.includes('employees')) ||
        l.path === '/v2/attendance-periods',
    )
    .map((l) => `${l.path}?${l.query}`)

interface Running {
  sim: RunningSimulator
  prefix: string
  port: number
  engine: Engine
  done: Promise<void>
  stop(): Promise<void>
}

async function startRun(
  sim: RunningSimulator,
  prefix: string,
  port: number,
  extra: Record<string, string> = {},
) {
  const engine = await openEngine({
    config: configFor(sim, prefix, {
      CAPTURE_RESOURCES: only.join(','),
      WEBHOOK_TOKEN: TOKEN,
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}/personio`,
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: '127.0.0.1',
      ...extra,
    }),
    logger: silentLogger,
  })
  const done = engine.run(() => undefined)
  return {
    engine,
    done,
    stop: async () => {
      await engine.stop()
      await done
      await engine.close()
    },
  }
}

describe('capture > webhooks', () => {
  let run: Running | undefined
  afterEach(async () => {
    await run?.stop()
    await run?.sim.close()
    run = undefined
  })

  async function started(employees = 12, extra: Record<string, string> = {}): Promise<Running> {
    const sim = await startSimulator({
      employees,
      absencesPerEmployee: 1,
      attendancesPerEmployee: 1,
      rateLimits: false,
      reports: 0,
      realClock: true,
      webhooks: { allowHttp: true },
    })
    const port = await freePort()
    await subscribe(
      sim,
      `http://127.0.0.1:${port}/personio`,
      TOKEN,
      only.flatMap((n) => resources[n].webhookEvents ?? []),
    )
    const prefix = uniqueName('hooks')
    const r = await startRun(sim, prefix, port, extra)
    run = { sim, prefix, port, ...r }
    // the first sync, then webhooks take over (the gap fill marks where)
    await waitFor(
      'the first sync',
      async () => {
        for (const n of ['employees', 'absences', 'attendances'] as const)
          if ((await cursorOf(prefix, n)).webhookAt === undefined) return false
        return converged(sim, prefix, ['employees', 'absences', 'attendances'])
      },
      60_000,
    )
    return run
  }

  it('creates, updates and deletes of persons, absences and attendances arrive through deliveries, with no listing', async () => {
    const { sim, prefix } = await started()
    const mark = sim.log.length
    const people = sim.company.list('employees')
    // the one removed supervises nobody: Personio announces no change of a subordinate's supervisor
    const supervisors = new Set(people.map((e) => e.supervisorId))
    const [a, b] = people
    const c = people.find((e) => e !== a && e !== b && !supervisors.has(e.id))!
    const type = sim.company.list('timeOffTypes').find((t) => t.unit === 'day')!
    sim.company.update('employees', a!.id, { lastName: 'Webhooked' })
    const hired = sim.company.create('employees', { firstName: 'New', lastName: 'Hire' })
    sim.company.remove('employees', c.id)
    const day = Math.floor(Date.now() / 86_400_000) + 10
    const created = sim.company.create('timeOffs', {
      employeeId: b!.id,
      typeId: type.id,
      status: 'pending',
      startDay: day,
      endDay: day,
      daysCount: 1,
    })
    const [gone] = sim.company.list('timeOffs').filter((o) => o.employeeId === a!.id)
    sim.company.remove('timeOffs', gone!.id)
    const [attendance, other] = sim.company.list('attendances')
    sim.company.update('attendances', attendance!.id, { comment: 'webhooked' })
    sim.company.remove('attendances', other!.id)
    const table = (name: ResourceName) => readTable(brokers, registryUrl, prefix, name)
    await waitFor('the changes on the topics', async () => {
      const [e, ab, at] = await Promise.all([table('employees'), table('absences'), table('attendances')])
      return (
        e.table.get(`[${a!.id}]`)?.last_name === 'Webhooked' &&
        e.table.get(`[${hired.id}]`)?.last_name === 'Hire' &&
        e.lastOp.get(`[${c.id}]`) === 'd' &&
        ab.table.get(`[${created.id}]`)?.status === 'pending' &&
        ab.lastOp.get(`[${gone!.id}]`) === 'd' &&
        at.table.get(JSON.stringify([attendance!.id]))?.comment === 'webhooked' &&
        at.lastOp.get(JSON.stringify([other!.id])) === 'd'
      )
    })
    sim.company.update('timeOffs', created.id, { status: 'approved' })
    await waitFor(
      'the approval',
      async () => (await table('absences')).table.get(`[${created.id}]`)?.status === 'approved',
    )
    // read by id (one person's time-offs for the new absence), never a company-wide listing
    expect(listings(sim, mark)).toEqual([])
    await waitFor('every table as Personio has it', () =>
      converged(sim, prefix, ['employees', 'absences', 'attendances', 'employees_absences_balance']),
    )
  }, 120_000)

  it('duplicated and reordered deliveries publish each change once and never bring a deleted record back', async () => {
    const { sim, prefix } = await started()
    sim.webhooks.controls.set({
      duplicate: { fraction: 1 },
      reorder: { window: 4, order: 'reverse', maxHoldMs: 500 },
    })
    const seen = new Set(
      (await readAll(brokers, `${prefix}.employees`)).map((r) => `${r.partition}:${r.offset}`),
    )
    const people = sim.company.list('employees')
    const supervisors = new Set(people.map((e) => e.supervisorId))
    const [a, b] = people.filter((e) => !supervisors.has(e.id))
    // updated, then deleted: reversed, the update arrives after the delete
    sim.company.update('employees', a!.id, { lastName: 'Gone soon' })
    sim.company.remove('employees', a!.id)
    sim.company.update('employees', b!.id, { lastName: 'Once' })
    await waitFor('the changes', () => converged(sim, prefix, ['employees']))
    await new Promise((r) => setTimeout(r, 2_000)) // late duplicates
    expect(await converged(sim, prefix, ['employees'])).toBe(true)
    // b's update and a's tombstone, each once: no duplicate, no update of a after its delete
    const records = (await readAll(brokers, `${prefix}.employees`)).filter(
      (r) => !seen.has(`${r.partition}:${r.offset}`),
    )
    expect(records.map((r) => r.headers.__op).sort()).toEqual(['d', 'u'])
    const table = await readTable(brokers, registryUrl, prefix, 'employees')
    expect(table.lastOp.get(`[${a!.id}]`)).toBe('d')
    expect(table.table.get(`[${b!.id}]`)?.last_name).toBe('Once')
  }, 120_000)

  it('deliveries lost while running (the receiver unreachable) are caught up from the events endpoint', async () => {
    const { sim, prefix } = await started(12, { WEBHOOK_GAP_FILL_INTERVAL_MS: '10000' })
    // every delivery is lost: the ingress is down, or Personio gave up retrying
    sim.webhooks.controls.set({ drop: { fraction: 1 } })
    const mark = sim.log.length
    const [a] = sim.company.list('employees')
    sim.company.update('employees', a!.id, { lastName: 'Only in the events endpoint' })
    await waitFor(
      'the gap fill',
      async () =>
        (await readTable(brokers, registryUrl, prefix, 'employees')).table.get(`[${a!.id}]`)?.last_name ===
        'Only in the events endpoint',
    )
    expect(listings(sim, mark)).toEqual([])
    expect(sim.log.slice(mark).some((l) => l.path.endsWith('/events'))).toBe(true)
  }, 120_000)
})
