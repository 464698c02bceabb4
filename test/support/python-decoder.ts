// Runs the independent Python decoder (fastavro from PyPI) in a venv the project bootstraps
// itself under .infra/python-venv, once, pinned.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const FASTAVRO = 'fastavro==1.12.1'
const venv = join(__dirname, '..', '..', '.infra', 'python-venv')
const python = join(venv, 'bin', 'python')

export function ensurePythonDecoder(): string {
  if (existsSync(python) && spawnSync(python, ['-c', 'import fastavro'], { stdio: 'ignore' }).status === 0)
    return python
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' })
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', FASTAVRO], { stdio: 'inherit' })
  return python
}

export interface Decoded {
  schema_id: number
  value: Record<string, unknown>
}

export function decodeWithPython(registryUrl: string, messages: Buffer[]): Decoded[] {
  const out = execFileSync(ensurePythonDecoder(), [join(__dirname, 'python', 'decode_confluent.py')], {
    input: JSON.stringify({ registry: registryUrl, messages: messages.map((m) => m.toString('hex')) }),
    maxBuffer: 256 * 1024 * 1024,
  })
  return JSON.parse(out.toString('utf8')) as Decoded[]
}
