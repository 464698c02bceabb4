// Regenerates the README's generated tables (configuration, metrics) in place; unit tests fail
// when the README drifts from the declarations, and print which command to run: this one.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { configTable } from '../src/config'
import { metricsTableMarkdown } from '../src/ops/metrics'

export const readmePath = join(__dirname, '..', 'README.md')

export function replaceBlock(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const [before, rest] = text.split(start)
  const after = rest?.split(end)[1]
  if (before === undefined || after === undefined) throw new Error(`README lacks ${start} … ${end}`)
  return `${before}${start}\n${body}\n${end}${after}`
}

if (require.main === module) {
  let text = readFileSync(readmePath, 'utf8')
  text = replaceBlock(text, 'config-table', configTable())
  text = replaceBlock(text, 'metrics-table', metricsTableMarkdown())
  writeFileSync(readmePath, text)
}
