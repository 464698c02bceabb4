// Peak memory of the service: `personio-kafka run --resources employees` (a child process, as it is
// deployed) holding a company of PK_BENCH_RSS_EMPLOYEES (default 100,000) employees, simulator
// limits off. Its VmHWM (peak resident set, /proc/<pid>/status) is read once the first cycle
// published everyone. Goal (issue #9): under 256 MB.
import { readFileSync } from 'node:fs'
import { startSimulator } from '../src/simulator'
import { ensureInfra } from '../src/infra'
import type { BenchResult } from './run'
import { spawnRunEmployees } from './run-child'

const EMPLOYEES = Number(process.env.PK_BENCH_RSS_EMPLOYEES ?? 100_000)

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? 0 : Number(m[1])
}

export async function runRss(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const sim = await startSimulator({
    employees: EMPLOYEES,
    absencesPerEmployee: 0,
    absencePeriodsPerEmployee: 0,
    attendancesPerEmployee: 0,
    reports: 0,
    rateLimits: false,
  })
  const child = spawnRunEmployees(sim, infra, {
    TOPIC_PREFIX: `benchrss${Date.now().toString(36)}`,
    POLL_INTERVAL_MS: '600000',
  })
  const pid = child.pid as number
  let log = ''
  let peakRss = 0
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, statusKb(pid, 'VmRSS'))
    } catch {
      /* exited */
    }
  }, 250)
  const started = Date.now()
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        log += d.toString()
        if (log.includes('"msg":"cycle done"')) resolve()
        if (log.length > 1_000_000) log = log.slice(-100_000)
      })
      child.on('exit', (code) =>
        reject(new Error(`run exited (${String(code)}) before its first cycle: ${log.slice(-2000)}`)),
      )
    })
    const seconds = (Date.now() - started) / 1000
    const hwm = statusKb(pid, 'VmHWM')
    const rss = statusKb(pid, 'VmRSS')
    return {
      bench: 'run-rss',
      figures: [
        {
          name: `run holding ${EMPLOYEES} employees: peak RSS (VmHWM)`,
          value: Math.round(hwm / 1024),
          unit: 'MB',
        },
        { name: 'resident after the first cycle (VmRSS)', value: Math.round(rss / 1024), unit: 'MB' },
        { name: 'first cycle (process start to cycle done)', value: Number(seconds.toFixed(1)), unit: 's' },
      ],
      notes: `sampled peak RSS ${Math.round(peakRss / 1024)} MB; simulator limits off; goal < 256 MB`,
    }
  } finally {
    clearInterval(sampler)
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
    await sim.close()
  }
}

if (require.main === module) void runRss().then((r) => console.log(JSON.stringify(r, null, 2)))
