// A pace learned from 429s survives a restart: the first sync learns the balance reads' hidden
// limit, writes it into the state topic (`limits/balances`, in a capture transaction), and the next
// engine starts there, before its first balance read, instead of meeting the same 429s again.
import { openEngine } from '../../../src/capture/engine/engine'
import { stateTopicFor } from '../../../src/capture/context'
import { silentLogger } from '../../../src/ops/logger'
import { startSimulator, type RunningSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { readAll } from '../../support/compacted'
import { configFor, expectAllCycled, syncOnce } from '../../support/engine-run'

const { brokers } = testInfra()
const resources = { CAPTURE_RESOURCES: 'employees,absences,absence_types,employees_absences_balance' }

describe('capture > learned rate limits', () => {
  let sim: RunningSimulator
  beforeAll(async () => {
    sim = await startSimulator({
      employees: 40,
      absencesPerEmployee: 1,
      absencePeriodsPerEmployee: 0,
      attendancesPerEmployee: 0,
      reports: 0,
      hiddenLimits: { balances: { rate: 2.5, burst: 8 } },
    })
  })
  afterAll(() => sim.close())

  it('keeps the learned pace in the state topic and starts the next run from it', async () => {
    const prefix = uniqueName('limits')
    expectAllCycled(await syncOnce(sim, prefix, resources))
    const written = (await readAll(brokers, stateTopicFor(prefix)))
      .filter((r) => r.key?.toString() === 'limits/balances')
      .map((r) => JSON.parse(String(r.value)) as { v: number; rate: number; burst: number })
    expect(written.length).toBeGreaterThanOrEqual(1)
    const last = written[written.length - 1]
    expect(last?.v).toBe(1)
    // Learned: backed off at least once from the starting 5/s (our burst of 15 meets the hidden
    // burst of 8 at once), and never far below the hidden 2.5/s. How many more 429s the 40 reads
    // meet depends on the machine's speed (a loaded one reads slower than the limit and meets one),
    // so the learning's precision is measured in virtual time (test/unit/personio/rate-limit.test.ts).
    expect(last?.rate).toBeGreaterThan(1.5)
    expect(last?.rate).toBeLessThanOrEqual(4)

    const engine = await openEngine({ config: configFor(sim, prefix, resources), logger: silentLogger })
    try {
      // restored while opening: no balance was read yet by this engine
      expect(engine.ctx.http.rateLimits.learned().balances?.rate).toBeCloseTo(last?.rate ?? 0, 5)
    } finally {
      await engine.close()
    }

    // a lower ceiling configured since caps the restored figure
    const capped = await openEngine({
      config: configFor(sim, prefix, { ...resources, PERSONIO_RATE_CEILINGS: 'balances=1' }),
      logger: silentLogger,
    })
    try {
      expect(capped.ctx.http.rateLimits.learned().balances?.rate).toBe(1)
    } finally {
      await capped.close()
    }
  }, 120_000)
})
