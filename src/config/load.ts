// Loads the one typed Config: defaults < JSON file < environment. Every problem is reported at
// once in a single ConfigError naming the environment variable to fix, never one at a time.
import { readFileSync } from 'node:fs'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { ConfigError } from '../errors'
import { configFields, fieldByPath, type ConfigField } from './fields'
import { configSchema, type Config } from './schema'

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, coerceTypes: false })
ajv.addVocabulary(['env', 'secret'])
addFormats(ajv, ['uri'])
const validate = ajv.compile(configSchema)

export interface LoadOptions {
  env?: NodeJS.ProcessEnv
  /** Path of a JSON file shaped like Config (partial); the environment overrides it. */
  file?: string
}

type Tree = Record<string, unknown>

function setPath(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.')
  let node = tree
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    node = (typeof next === 'object' && next !== null ? next : (node[part] = {})) as Tree
  }
  node[parts[parts.length - 1] as string] = value
}

/** Environment strings → typed values; an unparseable value is left as the string so Ajv reports it. */
function fromEnv(field: ConfigField, raw: string): unknown {
  const text = raw.trim()
  switch (field.type) {
    case 'integer':
      return /^-?\d+$/.test(text) ? Number(text) : text
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'string[]':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    case 'string':
      return text
    case 'json':
      try {
        return JSON.parse(text) as unknown
      } catch {
        return text // Ajv reports it as "must be object"
      }
  }
}

function readFile(file: string): Tree {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError([`config file ${file}: cannot be read (${(error as Error).message})`])
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object')
    return parsed as Tree
  } catch (error) {
    throw new ConfigError([`config file ${file}: not a JSON object (${(error as Error).message})`])
  }
}

function describe(instancePath: string, message: string, params: Record<string, unknown>): string {
  const path = instancePath
    .replace(/^\//, '')
    .replace(/\//g, '.')
    .replace(/\.\d+$/, '')
  // Inside a JSON-valued setting (FIELD_POLICY) the problem is named by its variable and inner path.
  const within = (p: string) => configFields.find((f) => f.type === 'json' && p.startsWith(`${f.path}.`))
  if (typeof params.additionalProperty === 'string') {
    const full = `${path === '' ? '' : `${path}.`}${params.additionalProperty}`
    const json = within(full)
    return `${json === undefined ? full : `${json.env} (${full})`}: unknown setting`
  }
  const field = fieldByPath(path) ?? within(path)
  const where = field === undefined ? path : `${field.env} (${field.path === path ? field.path : path})`
  const allowed = Array.isArray(params.allowedValues) ? `: ${params.allowedValues.join(', ')}` : ''
  return `${where}: ${message}${allowed}`
}

function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(freeze)
    Object.freeze(value)
  }
  return value
}

export function loadConfig(options: LoadOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env
  const tree: Tree = options.file === undefined ? {} : readFile(options.file)
  for (const field of configFields) {
    const raw = env[field.env]
    if (raw !== undefined && raw.trim() !== '') setPath(tree, field.path, fromEnv(field, raw))
  }
  for (const key of Object.keys(configSchema.properties)) tree[key] ??= {}

  const problems: string[] = []
  if (!validate(tree)) {
    for (const e of validate.errors ?? [])
      problems.push(describe(e.instancePath, e.message ?? 'invalid', e.params))
  }
  const personio = tree.personio as Partial<Config['personio']>
  if ((personio.clientId === undefined) !== (personio.clientSecret === undefined)) {
    problems.push('PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET: set both (only one of them is set)')
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return freeze(tree as unknown as Config)
}

/** A copy safe to log: secrets replaced. */
export function redactConfig(config: Config): Config {
  const copy = JSON.parse(JSON.stringify(config)) as Config
  for (const field of configFields.filter((f) => f.secret === true)) {
    const [group, name] = field.path.split('.') as [keyof Config, string]
    const section = copy[group] as Record<string, unknown>
    if (section[name] !== undefined) section[name] = '***'
  }
  return copy
}
