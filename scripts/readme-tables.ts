// npm run docs:config: regenerates the README's generated tables (configuration, exit codes,
// metrics) in place from their single sources; unit tests fail when the README drifts.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exitCodeTable } from '../src/cli/exit-codes'
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
  text = replaceBlock(text, 'exit-codes', exitCodeTable())
  text = replaceBlock(text, 'metrics-table', metricsTableMarkdown())
  writeFileSync(readmePath, text)
}
