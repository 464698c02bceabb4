// Unit tests mirror the code one to one (platformatic's rule): test/unit/<path>/<name>.test.ts
// tests src/<path>/<name>.ts or scripts/<path>/<name>.ts, so a reader finds the test of a file,
// and a file's tests, by its path. Integration, e2e and system tests are by feature instead.
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = join(__dirname, '..', '..')
const unit = join(root, 'test', 'unit')

/** Tests not about one file, with the reason. */
const crossCutting: Record<string, string> = {
  'test-layout.test.ts': 'this rule itself',
  'dependency-rules.test.ts': 'the import rules of the whole of src/',
  'config/readme-table.test.ts': 'README vs config schema',
  'config/ops-fields.test.ts': 'the ops and fields sections of the config schema, loaded',
  'ops/readme-metrics.test.ts': 'README vs the metrics table',
  'personio/channels.test.ts': 'what the Personio client publishes on the ops channels',
  'config/secrets-and-security.test.ts': 'secrets from files and Kafka TLS/SASL settings, loaded',
  'container/container-files.test.ts': 'the Dockerfile and docker-compose.yml',
  'downstream/flink-sql-doc.test.ts': 'docs/contract.md vs the statements the downstream test runs',
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  )
}

describe('test layout', () => {
  it('has a source file for every unit test', () => {
    const orphans = testFiles(unit)
      .map((f) => relative(unit, f))
      .filter((t) => crossCutting[t] === undefined)
      .filter((t) => {
        const source = t.replace(/\.test\.ts$/, '.ts')
        return !existsSync(join(root, 'src', source)) && !existsSync(join(root, source))
      })
    expect(orphans).toEqual([])
  })
})
