// A deleted person takes their records along, against the real broker, registry and the simulator
// (which, like Personio, deletes a person's absences and attendances with the person and announces
// none of them): found gone by the employees listing (polling) or announced by `person.deleted`
// (webhooks), the person's absences, hourly absences and attendances are tombstoned with them, each
// once — before any listing of those resources — and a record moved to another person first stays.
import { commitPart } from '../../../src/capture/commit/commit'
import { deleteEvent } from '../../../src/capture/rules/diff'
import { openEngine } from '../../../src/capture/engine/engine'
import { prepareResource } from '../../../src/capture/read/prepare'
import { setPauseHook } from '../../../src/ops/crash-points'
import { silentLogger } from '../../../src/ops/logger'
import { resources, type ResourceName } from '../../../src/resources'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll, readTable, simulatorTable, tablesEqual } from '../../support/compacted'
import {
  configFor,
  cursorOf,
  expectAllCycled,
  expectTopicsEqualSimulator,
  syncOnce,
} from '../../support/engine-run'
import { freePort, waitFor } from '../../support/net-wait'
import { subscribe } from '../../support/subscribe'

const { brokers, registryUrl } = testInfra()
const dependents = ['absences', 'absence_periods', 'attendances'] as const
const all: ResourceName[] = ['employees', ...dependents]

type Dependent = (typeof dependents)[number]
const collectionOf = {
  absences: 'timeOffs',
  absence_periods: 'absencePeriods',
  attendances: 'attendances',
} as const

/** The key texts of a person's records of one resource, as the simulator holds them. */
const keysOf = (sim: RunningSimulator, resource: Dependent, employeeId: number) =>
  sim.company
    .list(collectionOf[resource])
    .filter((r) => r.employeeId === employeeId)
    .map((r) => JSON.stringify([r.id]))
    .sort()

/** Per key, how many tombstones the topic holds, and which keys' last event is a delete. */
async function deletesOn(prefix: string, resource: ResourceName) {
  const [records, table] = await Promise.all([
    readAll(brokers, `${prefix}.${resource}`),
    readTable(brokers, registryUrl, prefix, resource),
  ])
  return {
    tombstones: records.filter((r) => r.value === null).length,
    deleted: [...table.lastOp]
      .filter(([, op]) => op === 'd')
      .map(([k]) => k)
      .sort(),
  }
}

/** A person who supervises nobody (Personio announces no change of a subordinate's supervisor). */
function pickTwo(sim: RunningSimulator) {
  const people = sim.company.list('employees')
  const supervisors = new Set(people.map((e) => e.supervisorId))
  const [victim, other] = people.filter((e) => !supervisors.has(e.id))
  return { victim: victim!.id, other: other!.id }
}

/** Moves one absence and one attendance of `from` to `to`: those are not `from`'s to take along. */
function moveOne(sim: RunningSimulator, from: number, to: number) {
  const absence = sim.company.list('timeOffs').find((o) => o.employeeId === from)!
  const attendance = sim.company.list('attendances').find((o) => o.employeeId === from)!
  // with new dates too: Personio announces an absence's time range and status, not its person
  sim.company.update('timeOffs', absence.id, {
    employeeId: to,
    startDay: absence.startDay + 1,
    endDay: absence.endDay + 1,
  })
  sim.company.update('attendances', attendance.id, { employeeId: to })
  return { absence: JSON.stringify([absence.id]), attendance: JSON.stringify([attendance.id]) }
}

async function expectTakenAlong(
  prefix: string,
  taken: Record<Dependent, string[]>,
  moved: { absence: string; attendance: string },
) {
  for (const resource of dependents) {
    expect(taken[resource].length).toBeGreaterThan(0)
    const d = await deletesOn(prefix, resource)
    expect(d.deleted).toEqual(taken[resource])
    expect(d.tombstones).toBe(taken[resource].length) // once each
  }
  expect((await deletesOn(prefix, 'absences')).deleted).not.toContain(moved.absence)
  expect((await deletesOn(prefix, 'attendances')).deleted).not.toContain(moved.attendance)
}

const generated = {
  employees: 6,
  absencesPerEmployee: 2,
  absencePeriodsPerEmployee: 1,
  attendancesPerEmployee: 2,
  rateLimits: false,
  reports: 0,
}

describe('capture > a deleted person takes their records along', () => {
  let sim: RunningSimulator | undefined
  afterEach(async () => {
    await sim?.close()
    sim = undefined
  })

  it('a listing that read a page before the person went does not bring their records back', async () => {
    sim = await startSimulator(generated)
    const prefix = uniqueName('cascade-race')
    const env = { CAPTURE_RESOURCES: 'employees,absences', RECONCILE_INTERVAL_MS: '0' }
    expectAllCycled(await syncOnce(sim, prefix, env))
    const { victim } = pickTwo(sim)
    const taken = keysOf(sim, 'absences', victim)
    // the absences listing read its page (the victim's absences on it), then the person is deleted
    // and the employees' delete commits with its cascade, then the listing diffs its older page
    const engine = await openEngine({
      config: configFor(sim, prefix, env),
      logger: silentLogger,
      only: ['absences'],
    })
    try {
      const { ctx } = engine
      const employees = await prepareResource(ctx, resources.employees)
      let pauses = 0
      setPauseHook(async () => {
        pauses += 1
        if (pauses > 1) return
        sim!.company.remove('employees', victim)
        await commitPart(ctx, resources.employees, employees, {
          events: [deleteEvent(resources.employees, `[${victim}]`, { f: 'gone' })],
          deadLetters: [],
          delta: new Map([[`[${victim}]`, null]]),
        })
      })
      expectAllCycled(await engine.syncOnce())
      expect(pauses).toBeGreaterThan(0)
    } finally {
      setPauseHook(undefined)
      await engine.close()
    }
    const d = await deletesOn(prefix, 'absences')
    expect(d.deleted).toEqual(taken)
    await expectTopicsEqualSimulator(sim, prefix, ['absences'])
  }, 120_000)

  it('polling: found gone by the employees listing, tombstoned with the person, once', async () => {
    sim = await startSimulator(generated)
    const prefix = uniqueName('cascade')
    // employees are listed whole every cycle; their records only daily (not within this test)
    const env = { CAPTURE_RESOURCES: all.join(','), CAPTURE_OVERRIDES: 'employees.reconcile=0' }
    expectAllCycled(await syncOnce(sim, prefix, env))
    const { victim, other } = pickTwo(sim)
    const moved = moveOne(sim, victim, other)
    expectAllCycled(await syncOnce(sim, prefix, env))
    const taken = Object.fromEntries(dependents.map((r) => [r, keysOf(sim!, r, victim)])) as Record<
      Dependent,
      string[]
    >
    sim.company.remove('employees', victim)
    expectAllCycled(await syncOnce(sim, prefix, env))
    expect((await deletesOn(prefix, 'employees')).deleted).toEqual([`[${victim}]`])
    await expectTakenAlong(prefix, taken, moved)
    await expectTopicsEqualSimulator(sim, prefix, all)
    // their own full listings find nothing more to delete
    expectAllCycled(await syncOnce(sim, prefix, { ...env, RECONCILE_INTERVAL_MS: '0' }))
    await expectTakenAlong(prefix, taken, moved)
  }, 120_000)

  it('webhooks: announced by person.deleted (delivered twice), tombstoned with the person, once', async () => {
    sim = await startSimulator({ ...generated, realClock: true, webhooks: { allowHttp: true } })
    const token = 'Bearer test-token-0123456789abcdef'
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/personio`
    await subscribe(sim, url, token, [...new Set(all.flatMap((n) => resources[n].webhookEvents ?? []))])
    const prefix = uniqueName('cascade-hooks')
    const engine = await openEngine({
      config: configFor(sim, prefix, {
        CAPTURE_RESOURCES: all.join(','),
        WEBHOOK_TOKEN: token,
        WEBHOOK_PUBLIC_URL: url,
        WEBHOOK_PORT: String(port),
        WEBHOOK_HOST: '127.0.0.1',
      }),
      logger: silentLogger,
    })
    const done = engine.run(() => undefined)
    try {
      const s = sim
      const converged = async () => {
        for (const name of all)
          if (
            !tablesEqual(
              name,
              (await readTable(brokers, registryUrl, prefix, name)).table,
              await simulatorTable(s, name),
            )
          )
            return false
        return true
      }
      await waitFor(
        'the first sync, webhooks then',
        async () => {
          // webhooks took over, and the one full listing after the first snapshot is done
          for (const n of all) {
            const cursor = await cursorOf(prefix, n)
            if (resources[n].webhook !== undefined && cursor.webhookAt === undefined) return false
            if (cursor.lastReconcileAt === undefined) return false
          }
          return converged()
        },
        60_000,
      )
      const { victim, other } = pickTwo(s)
      const moved = moveOne(s, victim, other)
      await waitFor('the moves', converged)
      const taken = Object.fromEntries(dependents.map((r) => [r, keysOf(s, r, victim)])) as Record<
        Dependent,
        string[]
      >
      const reconciled = new Map<ResourceName, number | undefined>()
      for (const n of dependents) reconciled.set(n, (await cursorOf(prefix, n)).lastReconcileAt)
      s.webhooks.controls.set({ duplicate: { fraction: 1 } })
      s.company.remove('employees', victim)
      await waitFor('the delete', converged)
      await new Promise((r) => setTimeout(r, 1_500)) // the duplicate delivery
      expect((await deletesOn(prefix, 'employees')).deleted).toEqual([`[${victim}]`])
      await expectTakenAlong(prefix, taken, moved)
      // no full listing of the person's records ran meanwhile: the cascade removed them
      for (const n of dependents) expect((await cursorOf(prefix, n)).lastReconcileAt).toBe(reconciled.get(n))
    } finally {
      await engine.stop()
      await done
      await engine.close()
    }
  }, 120_000)
})
