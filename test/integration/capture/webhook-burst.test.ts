// A bulk edit delivered by webhook against the real broker, registry and the simulator delivering
// as Personio does: `run`'s inbox reads the burst with a listing, not a request per person, and the
// topic then equals what Personio serves. Where `WEBHOOK_BURST_MARGIN=0` reads one by one, the
// same burst costs a read per person (the rule's absence shows).
import { openEngine } from '../../../src/capture/engine/engine'
import { silentLogger } from '../../../src/ops/logger'
import { resources } from '../../../src/resources'
import { startSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'
import { readTable, simulatorTable, tablesEqual } from '../../support/compacted'
import { configFor, cursorOf } from '../../support/engine-run'
import { freePort, waitFor } from '../../support/net-wait'
import { subscribe } from '../../support/subscribe'

const { brokers, registryUrl } = testInfra()
const TOKEN = 'Bearer burst-token-0123456789abcdef'
const PEOPLE = 12

describe('capture > a burst of webhooks', () => {
  it("reads a bulk edit with a listing, and the topic equals the simulator's employees", async () => {
    const sim = await startSimulator({
      employees: PEOPLE,
      absencesPerEmployee: 0,
      attendancesPerEmployee: 0,
      rateLimits: false,
      reports: 0,
      realClock: true,
      webhooks: { allowHttp: true },
    })
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/personio`
    await subscribe(sim, url, TOKEN, resources.employees.webhookEvents ?? [])
    const prefix = uniqueName('burst')
    const config = configFor(sim, prefix, {
      CAPTURE_RESOURCES: 'employees',
      WEBHOOK_TOKEN: TOKEN,
      WEBHOOK_PUBLIC_URL: url,
      WEBHOOK_PORT: String(port),
      WEBHOOK_HOST: '127.0.0.1',
    })
    const engine = await openEngine({ config, logger: silentLogger })
    const done = engine.run(() => undefined)
    try {
      await waitFor(
        'webhooks taking over',
        async () => (await cursorOf(prefix, 'employees')).webhookAt !== undefined,
        60_000,
      )
      const mark = sim.log.length
      // a bulk edit: every person twice, delivered one after the other as Personio sends them
      for (const round of [1, 2])
        for (const e of sim.company.list('employees'))
          sim.company.update('employees', e.id, { lastName: `Bulk ${round} ${e.id}` })
      const expected = await simulatorTable(sim, 'employees')
      await waitFor(
        'the topic to hold the bulk edit',
        async () =>
          tablesEqual(
            'employees',
            (await readTable(brokers, registryUrl, prefix, 'employees')).table,
            expected,
          ),
        60_000,
      )
      const reads = sim.log.slice(mark).filter((e) => e.path.startsWith('/v1/company/employees'))
      const byId = reads.filter((e) => /^\/v1\/company\/employees\/\d+$/.test(e.path))
      const listings = reads.filter(
        (e) => e.path === '/v1/company/employees' && e.query.includes('updated_since'),
      )
      expect(listings.length).toBeGreaterThan(0)
      // the first delivery may be read alone, before the rest of the burst has arrived
      expect(byId.length).toBeLessThan(PEOPLE / 2)
    } finally {
      await engine.stop()
      await done
      await engine.close()
      await sim.close()
    }
  })
})
