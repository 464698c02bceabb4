// What one cycle costs in Personio requests, per endpoint: the first sync of a company, an idle
// cycle (nothing changed), a cycle after a handful of changes, and a reconciliation cycle. Counted
// by the simulator (rate limits off: the count, not the time, is the figure here).
import { openEngine } from '../src/capture/engine/engine'
import { loadConfig } from '../src/config'
import { silentLogger } from '../src/ops/logger'
import { defaultCredential, startSimulator, type RunningSimulator } from '../src/simulator'
import { ensureInfra } from '../src/infra'
import type { BenchResult } from './run'

const EMPLOYEES = Number(process.env.PK_BENCH_CYCLE_EMPLOYEES ?? 1000)

function endpointOf(path: string): string {
  return path
    .replace(/\/employees\/\d+\//, '/employees/{id}/')
    .replace(/\/reports\/[0-9a-f-]{36}/, '/reports/{id}')
}

async function counted(sim: RunningSimulator, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const mark = sim.log.length
  await run()
  const out: Record<string, number> = {}
  for (const l of sim.log.slice(mark)) {
    const key = `${l.method} ${endpointOf(l.path)}`
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

export async function cycleRequests(): Promise<BenchResult> {
  const infra = await ensureInfra()
  const sim = await startSimulator({ employees: EMPLOYEES, rateLimits: false, reports: 2 })
  const prefix = `benchcycle${Date.now().toString(36)}`
  const sync = async (extra: Record<string, string> = {}) => {
    const config = loadConfig({
      env: {
        KAFKA_BROKERS: infra.brokers.join(','),
        SCHEMA_REGISTRY_URL: infra.registryUrl,
        PERSONIO_BASE_URL: sim.url,
        PERSONIO_CLIENT_ID: defaultCredential.clientId,
        PERSONIO_CLIENT_SECRET: defaultCredential.clientSecret,
        TOPIC_PREFIX: prefix,
        TOPIC_REPLICATION_FACTOR: '1',
        LOG_LEVEL: 'silent',
        ...extra,
      },
    })
    const engine = await openEngine({ config, logger: silentLogger })
    try {
      await engine.syncOnce()
    } finally {
      await engine.close()
    }
  }
  try {
    const first = await counted(sim, () => sync())
    const idle = await counted(sim, () => sync())
    sim.company.clock.advance(60_000)
    const [a, b, c] = sim.company.list('employees')
    sim.company.update('employees', a?.id as number, { position: 'Changed' })
    sim.company.update('employees', b?.id as number, { position: 'Changed too' })
    sim.company.create('timeOffs', { employeeId: c?.id as number })
    const t = sim.company.list('timeOffs')[5]
    if (t !== undefined) sim.company.remove('timeOffs', t.id)
    const d = sim.company.list('documentCategories')[0]
    if (d !== undefined) sim.company.update('documentCategories', d.id, { name: 'Renamed' })
    const changed = await counted(sim, () => sync())
    const reconcile = await counted(sim, () => sync({ RECONCILE_INTERVAL_MS: '0' }))
    const total = (r: Record<string, number>) => Object.values(r).reduce((x, y) => x + y, 0)
    const table = (name: string, r: Record<string, number>) =>
      Object.entries(r)
        .sort()
        .map(([k, v]) => `${name}: ${k} × ${v}`)
        .join('\n')
    return {
      bench: 'cycle-requests',
      figures: [
        { name: `first sync, ${EMPLOYEES} employees`, value: total(first), unit: 'requests' },
        { name: 'idle cycle (nothing changed)', value: total(idle), unit: 'requests' },
        { name: 'cycle after 5 changes', value: total(changed), unit: 'requests' },
        { name: 'reconciliation cycle', value: total(reconcile), unit: 'requests' },
      ],
      notes: [table('idle', idle), table('changed', changed), table('reconcile', reconcile)].join('\n'),
    }
  } finally {
    await sim.close()
  }
}

if (require.main === module)
  void cycleRequests().then((r) => {
    for (const f of r.figures) console.log(`${f.name.padEnd(40)} ${String(f.value).padStart(8)} ${f.unit}`)
    console.log(r.notes)
  })
