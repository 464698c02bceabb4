// src/kafka/index.ts is the one door to Kafka: nothing outside src/kafka/ imports kafkajs or the
// kafkajs adapters (src/kafka/kafkajs/*), so another client, or memory, can fill the ports alone.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = join(__dirname, '..', '..', '..')
const src = join(root, 'src')
const kafkaDir = join(src, 'kafka')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Every module a file names: `import … from`, bare `import '…'`, `export … from`, `require('…')`, `import('…')`. */
function importsOf(text: string): string[] {
  const found: string[] = []
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1] as string)
  return found
}

/** Whether a module named in `file` is kafkajs itself or one of our kafkajs adapters. */
function isKafkajs(file: string, specifier: string): boolean {
  if (specifier === 'kafkajs' || specifier.startsWith('kafkajs/')) return true
  if (!specifier.startsWith('.')) return false
  const target = resolve(dirname(file), specifier)
  return target.startsWith(join(kafkaDir, 'kafkajs'))
}

describe('kafka > the one door to Kafka', () => {
  it('finds every kind of import', () => {
    const text = [
      "import './kafka/kafkajs/aborted-filter'",
      "import { Kafka } from 'kafkajs'",
      "export { x } from '../kafka/kafkajs/feed'",
      "const k = require('kafkajs')",
      "const f = await import('../kafka/kafkajs/client')",
    ].join('\n')
    expect(importsOf(text)).toEqual(
      expect.arrayContaining([
        './kafka/kafkajs/aborted-filter',
        'kafkajs',
        '../kafka/kafkajs/feed',
        '../kafka/kafkajs/client',
      ]),
    )
    expect(importsOf(text).filter((s) => s === 'kafkajs')).toHaveLength(2)
  })

  it('nothing outside src/kafka imports kafkajs or src/kafka/kafkajs', () => {
    const offenders = sourceFiles(src)
      .filter((file) => !file.startsWith(kafkaDir + '/'))
      .flatMap((file) =>
        importsOf(readFileSync(file, 'utf8'))
          .filter((specifier) => isKafkajs(file, specifier))
          .map((specifier) => `${relative(root, file)} imports ${specifier}`),
      )
    expect(offenders).toEqual([])
  })
})
