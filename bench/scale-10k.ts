// Issue #17: the product at 10,000 employees with every resource, against a broker with its default
// limits (max.message.bytes 1 MB). `personio-kafka sync --once` as a child process, compiled as the
// container runs it, reads a simulated company (rate limits off: the figure is our own cost; the
// time Personio's limits add is first-sync-limits') and publishes every resource, its stages caught
// up. Before the fix the custom_reports stage never committed: a report of 10,000 rows was one
// record batch per partition, several MB, refused by the broker. PK_BENCH_SCALE_EMPLOYEES sizes it.
// Issue #27: peak RSS is what the goal (< 256 MB) is about. PK_BENCH_NODE_OPTIONS hands the child
// Node.js flags (its NODE_OPTIONS), e.g. the V8 heap sizes a deployment sets; they are printed
// with the figures, so a figure is never read without the flags it was measured with.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { ensureInfra } from '../src/infra'
import { startSimulator } from '../src/simulator'
import { compiledCli } from './compiled-cli'
import type { BenchResult } from './run'

const EMPLOYEES = Number(process.env.PK_BENCH_SCALE_EMPLOYEES ?? 10_000)
const REPORTS = Number(process.env.PK_BENCH_SCALE_REPORTS ?? 4) // every report type: point in time, historical, timeframe
const NODE_OPTIONS = process.env.PK_BENCH_NODE_OPTIONS ?? ''

const hwmKb = (pid: number): number => {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? 0 : Number(m[1])
}

/** The summary `sync --once` prints: published records per resource (stages: events). */
function publishedOf(stdout: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const line of stdout.split('\n')) {
    const cycle = /^(\w+)\s+\S+\s+\d+\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+$/.exec(line)
    const stage = /^(\w+)\s+stage \S+\s+\d+\s+(\d+) events$/.exec(line)
    if (cycle !== null) out[cycle[1] as string] = [2, 3, 4, 5].reduce((n, i) => n + Number(cycle[i]), 0)
    else if (stage !== null) out[stage[1] as string] = Number(stage[2])
  }
  return out
}

export async function scale10k(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const cli = compiledCli()
  const sim = await startSimulator({ employees: EMPLOYEES, reports: REPORTS, rateLimits: false })
  const rows = sim.company.list('reports').length
  try {
    const started = Date.now()
    const child = spawn(process.execPath, [cli, 'sync', '--once'], {
      env: {
        PATH: process.env.PATH ?? '',
        PERSONIO_BASE_URL: sim.url,
        PERSONIO_CLIENT_ID: 'sim-client',
        PERSONIO_CLIENT_SECRET: 'sim-secret',
        // the simulator answers as fast as it is asked: the client need not pace itself either
        PERSONIO_RATE_LIMITS:
          'employees=200,balances=200,v1=200,v2=200,v2-persons=200,v2-periods=200,v1-global=1000',
        KAFKA_BROKERS: infra.brokers.join(','),
        SCHEMA_REGISTRY_URL: infra.registryUrl,
        TOPIC_PREFIX: `benchscale${Date.now().toString(36)}`,
        TOPIC_REPLICATION_FACTOR: '1',
        LOG_LEVEL: 'warn',
        NODE_OPTIONS,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const pid = child.pid as number
    let [stdout, stderr, peakKb] = ['', '', 0]
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)))
    // VmHWM is the peak so far: its last reading before the exit is the run's peak
    const sampler = setInterval(() => {
      try {
        peakKb = Math.max(peakKb, hwmKb(pid))
      } catch {
        /* exited */
      }
    }, 100)
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    clearInterval(sampler)
    const seconds = (Date.now() - started) / 1000
    if (code !== 0 || /FAILED/.test(stdout))
      throw new Error(`sync --once exited ${String(code)}:\n${stdout}\n${stderr.slice(-4000)}`)
    const published = publishedOf(stdout)
    const records = Object.values(published).reduce((a, b) => a + b, 0)
    return {
      bench: 'scale-10k',
      figures: [
        {
          name: `sync --once, ${EMPLOYEES} employees, every resource (process start to exit 0)`,
          value: Number(seconds.toFixed(1)),
          unit: 's',
        },
        { name: 'records published, all resources', value: records, unit: 'records' },
        { name: 'custom_reports rows published', value: published.custom_reports ?? 0, unit: 'records' },
        { name: 'peak RSS (VmHWM)', value: Math.round(peakKb / 1024), unit: 'MB' },
      ],
      notes: `NODE_OPTIONS '${NODE_OPTIONS}'; ${rows} reports; broker defaults (max.message.bytes 1048588); per resource: ${JSON.stringify(published)}`,
    }
  } finally {
    await sim.close()
  }
}

if (require.main === module) void scale10k().then((r) => console.log(JSON.stringify(r, null, 2)))
