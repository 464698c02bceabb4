// npm run docs:config: rewrites the README's configuration table and exit-code table from their
// single sources (src/config/schema.ts, src/cli/exit-codes.ts). Tests fail when the README drifts.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exitCodeTable } from '../src/cli/exit-codes'
import { configTable } from '../src/config'

const readme = join(__dirname, '..', 'README.md')

export function between(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const [head, rest] = text.split(start)
  const tail = rest?.split(end)[1]
  if (head === undefined || tail === undefined) throw new Error(`README.md lacks ${start} … ${end}`)
  return `${head}${start}\n${body}\n${end}${tail}`
}

if (require.main === module) {
  let text = readFileSync(readme, 'utf8')
  text = between(text, 'config-table', configTable())
  text = between(text, 'exit-codes', exitCodeTable())
  writeFileSync(readme, text)
  console.log('README.md tables regenerated')
}
