// Confluent's Python client (confluent-kafka with its SchemaRegistryClient and AvroDeserializer)
// in a venv the project bootstraps under .infra/downstream/python, pinned by requirements.txt.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { downstreamLayout as layout } from './layout'

/**
 * A venv's python with `requirements` installed, (re)installed when the file changed since the last
 * install or one of `modules` cannot be found. Found, not imported: importing pyarrow to see that
 * it is there cost a core for a second at every test start.
 */
export function ensureVenv(venv: string, requirements: string, modules: readonly string[]): string {
  const python = join(venv, 'bin', 'python')
  const stamp = join(venv, 'requirements.installed')
  const wanted = readFileSync(requirements, 'utf8')
  const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : undefined
  const probe = `import importlib.util, sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`
  const imports = existsSync(python) && spawnSync(python, ['-c', probe], { stdio: 'ignore' }).status === 0
  if (imports && installed === wanted) return python
  if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' })
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '-r', requirements], { stdio: 'inherit' })
  writeFileSync(stamp, wanted)
  return python
}

/** The venv's python, installed (again) when requirements.txt changed since the last install. */
export function ensureConfluentPython(): string {
  const { venv, requirements } = layout.python
  return ensureVenv(venv, requirements, ['confluent_kafka', 'fastavro'])
}
