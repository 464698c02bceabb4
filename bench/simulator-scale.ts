// Simulator scale: generating a company of 100,000 employees (heap and time), and serving one
// page of 100 employees from it. Run alone: `npx tsx bench/simulator-scale.ts`.
import { request } from 'undici'
import { startSimulator } from '../src/simulator'
import type { BenchResult } from './run'

const EMPLOYEES = 100_000

export async function simulatorScale(): Promise<BenchResult> {
  global.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  const started = process.hrtime.bigint()
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 2,
    absencePeriodsPerEmployee: 1,
    attendancesPerEmployee: 3,
    rateLimits: false,
  })
  const generateMs = Number(process.hrtime.bigint() - started) / 1e6
  global.gc?.()
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024
  try {
    const auth = await request(`${sim.url}/v1/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'sim-client', client_secret: 'sim-secret' }),
    })
    const token = ((await auth.body.json()) as { data: { token: string } }).data.token
    const pageStart = process.hrtime.bigint()
    const pages = 20
    for (let i = 0; i < pages; i++) {
      const res = await request(`${sim.url}/v1/company/employees?limit=100&offset=${i * 5000}`, {
        headers: { authorization: `Bearer ${token}` },
      })
      await res.body.text()
    }
    const pageMs = Number(process.hrtime.bigint() - pageStart) / 1e6 / pages
    return {
      bench: 'simulator-scale',
      figures: [
        {
          name: `generate ${EMPLOYEES} employees (+2 absences, 3 attendances each)`,
          value: Math.round(generateMs),
          unit: 'ms',
        },
        { name: 'heap held by that company', value: Math.round(heapMb), unit: 'MiB' },
        { name: 'serve one page of 100 employees', value: Number(pageMs.toFixed(1)), unit: 'ms' },
      ],
    }
  } finally {
    await sim.close()
  }
}

if (require.main === module) void simulatorScale().then((r) => console.log(JSON.stringify(r, null, 2)))
