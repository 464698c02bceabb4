// The layout of src/ is a promise to a newcomer (docs/architecture.md): data flows one way, each
// folder depends only on the folders below it, and a source of changes never reaches into another.
// This test reads every import in src/ and holds the code to it.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'

const root = join(__dirname, '..', '..')
const src = join(root, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** file (relative to the root) → the files of src/ it imports */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8')
    const targets: string[] = []
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const base = join(dirname(file), m[1] as string)
      const found = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f))
      if (found !== undefined) targets.push(relative(root, found))
    }
    graph.set(relative(root, file), targets)
  }
  return graph
}

/** Strongly connected components of more than one file: import circles. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number))
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w)
      component.push(w)
    }
    if (component.length > 1) found.push(component.sort())
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

const graph = importGraph()
const arrows = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })))
const sourceOf = (file: string) => /^src\/capture\/sources\/([^/]+)\//.exec(file)?.[1]

describe('dependency rules', () => {
  it('has no import circles', () => {
    expect(circles(graph)).toEqual([])
  })

  it('keeps the change sources apart: none imports another', () => {
    const sideways = arrows.filter(({ from, to }) => {
      const a = sourceOf(from)
      const b = sourceOf(to)
      return a !== undefined && b !== undefined && a !== b
    })
    expect(sideways).toEqual([])
  })

  it('keeps the capture core below the sources and the engine', () => {
    const upward = arrows.filter(
      ({ from, to }) =>
        (/^src\/capture\/(rules|state|read|commit)\//.test(from) &&
          /^src\/capture\/(sources|engine)\//.test(to)) ||
        (/^src\/capture\/sources\//.test(from) && /^src\/capture\/engine\//.test(to)),
    )
    expect(upward).toEqual([])
  })

  it('keeps the pure rules free of I/O', () => {
    const io = arrows.filter(
      ({ from, to }) =>
        /^src\/capture\/rules\//.test(from) && /^src\/(kafka|personio|ops|webhooks|simulator)\//.test(to),
    )
    expect(io).toEqual([])
  })

  it('keeps config/ at the bottom: it imports nothing above it', () => {
    const up = arrows.filter(
      ({ from, to }) => from.startsWith('src/config/') && !/^src\/(config\/|errors\.ts)/.test(to),
    )
    expect(up).toEqual([])
  })

  it('keeps companies/ as data: it reads files and knows the configuration, nothing of Kafka, capture or ops', () => {
    const out = arrows.filter(
      ({ from, to }) =>
        from.startsWith('src/companies/') &&
        !/^src\/(companies|config|resources|hash)\/|^src\/errors\.ts/.test(to),
    )
    expect(out).toEqual([])
  })

  it('keeps the workers above capture: nothing below imports src/workers/ but the Kafka adapter of its group', () => {
    const into = arrows.filter(
      ({ from, to }) =>
        to.startsWith('src/workers/') &&
        !/^src\/(workers|cli)\//.test(from) &&
        // the kafkajs group speaks the membership port (declared by its user) and runs the pure assignor
        !(from.startsWith('src/kafka/') && /^src\/workers\/(membership|assignor)\.ts$/.test(to)),
    )
    expect(into).toEqual([])
  })
})
