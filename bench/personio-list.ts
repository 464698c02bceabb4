// Listing 10,000 employees from the simulator with Personio's real rate limits on (300/min with
// bursts of 15/s on /company/employees), against the floor those limits allow: with 100 per page,
// 100 requests, of which 15 go at once and the other 85 at 5 per second ≈ 17 s.
import { collect, createPersonioClient } from '../src/personio'
import { startSimulator } from '../src/simulator'
import type { BenchResult } from './run'

const EMPLOYEES = 10_000

export async function personioList(): Promise<BenchResult> {
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 0,
    absencePeriodsPerEmployee: 0,
    attendancesPerEmployee: 0,
    rateLimits: true,
  })
  try {
    const client = createPersonioClient({
      baseUrl: sim.url,
      credentials: { clientId: 'sim-client', clientSecret: 'sim-secret' },
    })
    const started = process.hrtime.bigint()
    const rows = await collect(client.employees.list({ limit: 100 }))
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (rows.length !== EMPLOYEES) throw new Error(`listed ${rows.length} of ${EMPLOYEES}`)
    const requests = sim.log.filter((l) => l.path === '/v1/company/employees').length
    const floor = (requests - 15) / 5
    return {
      bench: 'personio-list',
      figures: [
        {
          name: `list ${EMPLOYEES} employees, real rate limits`,
          value: Number(seconds.toFixed(2)),
          unit: 's',
        },
        { name: 'employee requests', value: requests, unit: 'requests' },
        { name: 'floor the limits allow (15 burst, then 5/s)', value: Number(floor.toFixed(2)), unit: 's' },
        { name: '429 answers', value: sim.counters()['429'] ?? 0, unit: 'responses' },
      ],
    }
  } finally {
    await sim.close()
  }
}

if (require.main === module) void personioList().then((r) => console.log(JSON.stringify(r, null, 2)))
