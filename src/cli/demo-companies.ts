// `personio-kafka demo --companies 3`: many companies on workers of one group, on this machine,
// without a Personio account (issue #28). One simulator per company, a companies directory of
// their files, two workers of one group in this process (each its own member on the brokers, as
// two pods would be). It shows which worker runs which company and the events each published;
// half way one worker stops, and its companies move to the other without a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Config } from '../config'
import { demoSteps } from '../demo/script'
import { subscribe } from '../ops/channels'
import { engineOf } from '../ops/engine-scope'
import type { Logger } from '../ops/logger'
import { defaultCredential, startSimulator, type RunningSimulator } from '../simulator'
import { startWorker, type Worker } from '../workers/worker'

/** Resources every demo company captures: the cheap ones, so a few companies sync in seconds. */
const RESOURCES = ['employees', 'absences', 'absence_types', 'document_categories', 'projects']

export interface CompaniesDemo {
  companies: number
  employees: number
  durationMs: number
  stamp: string
}

/** Writes one company file per simulator into a fresh directory (secrets in files, as in production). */
function writeDirectory(sims: readonly RunningSimulator[], stamp: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'personio-kafka-companies-'))
  sims.forEach((sim, i) => {
    const id = `company-${i + 1}`
    writeFileSync(join(dir, `${id}.secret`), `${defaultCredential.clientSecret}\n`)
    const file = {
      prefix: `${stamp}-${id}`,
      personio: { baseUrl: sim.url, clientId: defaultCredential.clientId, clientSecretFile: `${id}.secret` },
      resources: RESOURCES,
    }
    writeFileSync(join(dir, `${id}.json`), `${JSON.stringify(file, null, 2)}\n`)
  })
  return dir
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref())

/** One line per company: which worker runs it, its phase, the events it published so far. */
function table(workers: readonly Worker[], events: ReadonlyMap<string, number>): string[] {
  const rows = workers.flatMap((w) => w.view().companies.map((c) => ({ ...c, worker: w.name })))
  return rows
    .sort((a, b) => a.id.localeCompare(b.id))
    .map(
      (r) =>
        `  ${r.id.padEnd(12)} ${r.worker.padEnd(10)} ${r.phase.padEnd(9)} ${String(events.get(r.id) ?? 0).padStart(6)} events`,
    )
}

export async function runCompaniesDemo(base: Config, logger: Logger, o: CompaniesDemo): Promise<void> {
  const sims = await Promise.all(
    Array.from({ length: o.companies }, (_, i) =>
      startSimulator({ employees: o.employees, seed: i + 1, realClock: true, rateLimits: false }),
    ),
  )
  const dir = writeDirectory(sims, o.stamp)
  const config: Config = {
    ...base,
    // webhooks need a public URL per company: this demo polls
    webhooks: { ...base.webhooks, publicUrl: undefined, token: undefined },
    workers: {
      ...base.workers,
      companiesDir: dir,
      group: `${o.stamp}.workers`,
      partitions: 12,
      rescanMs: 1_000,
    },
  }
  const events = new Map<string, number>()
  const off = subscribe('personio-kafka:capture:events', (e) =>
    events.set(engineOf(e), (events.get(engineOf(e)) ?? 0) + e.count),
  )
  console.log(`${o.companies} simulated companies in ${dir}; two workers of group ${config.workers.group}`)
  const workers: Worker[] = []
  try {
    for (const name of ['worker-a', 'worker-b'])
      workers.push(await startWorker({ config: { ...config, workers: { ...config.workers, name } }, logger }))
    const half = Math.max(10_000, o.durationMs / 2)
    const steps = demoSteps()
    let step = 0
    // every 5 s one company changes in its simulator: the events column shows where it was captured
    const change = () => {
      const sim = sims[step % sims.length] as RunningSimulator
      const next = steps[step % steps.length]
      if (next === undefined) return ''
      next.run(sim.company)
      step++
      return `company-${((step - 1) % sims.length) + 1}: ${next.say}`
    }
    for (let waited = 0; waited < half; waited += 5_000) {
      await pause(5_000)
      console.log(
        `\nafter ${(waited + 5_000) / 1000} s (${change()}):`,
        `\n${table(workers, events).join('\n')}`,
      )
    }
    const leaving = workers.shift() as Worker
    console.log(`\n${leaving.name} stops (SIGTERM would do the same): its companies move to the other worker`)
    await leaving.stop()
    for (let waited = 0; waited < half; waited += 5_000) {
      await pause(5_000)
      console.log(
        `\n${waited / 1000 + 5} s after the stop (${change()}):`,
        `\n${table(workers, events).join('\n')}`,
      )
    }
  } finally {
    off()
    await Promise.all(workers.map((w) => w.stop()))
    await Promise.all(sims.map((s) => s.close()))
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(
    `\nTopics ${o.stamp}-company-<n>.* on Kafka ${config.kafka.brokers.join(',')}. In production: one file per company in COMPANIES_DIR and any number of \`personio-kafka run\` workers (docs/scale.md).`,
  )
}
