// Confluent's Python client (confluent-kafka with its SchemaRegistryClient and AvroDeserializer)
// in a venv the project bootstraps under .infra/downstream/python, pinned by requirements.txt.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { downstreamLayout as layout } from './layout'

/** The venv's python, installed (again) when requirements.txt changed since the last install. */
export function ensureConfluentPython(): string {
  const { venv, requirements } = layout.python
  const python = join(venv, 'bin', 'python')
  const stamp = join(venv, 'requirements.installed')
  const wanted = readFileSync(requirements, 'utf8')
  const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : undefined
  const imports =
    existsSync(python) &&
    spawnSync(python, ['-c', 'import confluent_kafka.schema_registry.avro'], { stdio: 'ignore' }).status === 0
  if (imports && installed === wanted) return python
  if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' })
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '-r', requirements], { stdio: 'inherit' })
  writeFileSync(stamp, wanted)
  return python
}
