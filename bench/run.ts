// `npm run bench`: runs every benchmark in this folder one after the other (never in parallel: they
// would measure each other), prints a table and writes .bench/results.json. Benchmarks are never
// part of `npm test`; timings are reported here, not asserted.
import '../src/runtime' // a Node.js too old is refused in one line
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { benchmarks } from './suite'

export interface BenchFigure {
  name: string
  value: number
  unit: string
}

export interface BenchResult {
  bench: string
  figures: BenchFigure[]
  notes?: string
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const results: BenchResult[] = []
  for (const [name, run] of Object.entries(benchmarks)) {
    if (only.length > 0 && !only.includes(name)) continue
    process.stderr.write(`bench ${name} …\n`)
    const result = await run()
    results.push(result)
    for (const f of result.figures)
      console.log(`${name.padEnd(28)} ${f.name.padEnd(44)} ${String(f.value).padStart(12)} ${f.unit}`)
  }
  const dir = join(__dirname, '..', '.bench')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'results.json'),
    JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2),
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
