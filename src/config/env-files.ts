// `<VAR>_FILE`: a setting read from a file (Docker and Kubernetes secrets), for every secret and a
// few identifiers. The file's content is the value, without its trailing newline.
import { readFileSync } from 'node:fs'
import type { ConfigField } from './fields'

export type EnvValue = { value: string } | { problem: string } | undefined

export function readEnvValue(field: ConfigField, env: NodeJS.ProcessEnv): EnvValue {
  const direct = env[field.env]
  const fileVar = `${field.env}_FILE`
  const file = field.file === true ? env[fileVar]?.trim() : undefined
  const hasDirect = direct !== undefined && direct.trim() !== ''
  if (file === undefined || file === '') return hasDirect ? { value: direct as string } : undefined
  if (hasDirect) return { problem: `${field.env} and ${fileVar} are both set: keep one of them` }
  try {
    return { value: readFileSync(file, 'utf8').replace(/\r?\n$/, '') }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    return {
      problem: `${fileVar}: cannot read ${file} (${code}); give the path of a readable file holding the value, e.g. /run/secrets/${field.env.toLowerCase()}`,
    }
  }
}
