// Loads the one typed Config: defaults < JSON file < environment. Every problem is reported at
// once in a single ConfigError naming the environment variable to fix, never one at a time.
import { existsSync, readFileSync, statSync } from 'node:fs'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import { ConfigError, preview } from '../errors'
import { readEnvValue } from './env-files'
import { configFields, fieldByPath, type ConfigField } from './fields'
import { configSchema, type Config } from './schema'

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, coerceTypes: false, verbose: true })
ajv.addVocabulary(['env', 'secret', 'file', 'example', 'expect'])
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

interface AjvProblem {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
  data?: unknown
}

/** What is wrong, in words a person reads: the field's own `expect` text beats a regular expression. */
function what(e: AjvProblem, field: ConfigField | undefined): string {
  if (field?.expect !== undefined && (e.keyword === 'pattern' || e.keyword === 'format')) return field.expect
  if (e.keyword === 'type' && e.params.type === 'integer') return 'must be a whole number'
  if (e.keyword === 'type' && e.params.type === 'boolean') return 'must be true or false'
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues))
    return `must be one of ${e.params.allowedValues.join(', ')}`
  return e.message ?? 'is invalid'
}

function describe(e: AjvProblem): string {
  const path = e.instancePath
    .replace(/^\//, '')
    .replace(/\//g, '.')
    .replace(/\.\d+$/, '')
  // Inside a JSON-valued setting (FIELD_POLICY) the problem is named by its variable and inner path.
  const within = (p: string) => configFields.find((f) => f.type === 'json' && p.startsWith(`${f.path}.`))
  if (typeof e.params.additionalProperty === 'string') {
    const full = `${path === '' ? '' : `${path}.`}${e.params.additionalProperty}`
    const json = within(full)
    return `${json === undefined ? full : `${json.env} (${full})`}: unknown setting`
  }
  const inner = within(path)
  if (inner !== undefined) return `${inner.env} (${path}): ${what(e, undefined)}`
  const field = fieldByPath(path)
  if (field === undefined) return `${path}: ${what(e, field)}`
  const got = field.secret === true || e.data === undefined ? '' : `, got ${preview(e.data)}`
  const good = field.example ?? (field.default === undefined ? undefined : String(field.default))
  return `${field.env} (${field.path}) ${what(e, field)}${got}${good === undefined ? '' : `; e.g. ${field.env}=${good}`}`
}

/** Settings that only make sense together; `unread` are the settings whose file could not be read. */
function crossChecks(tree: Tree, unread: ReadonlySet<string>): string[] {
  const problems: string[] = []
  const personio = tree.personio as Partial<Config['personio']>
  const credentialUnread = unread.has('PERSONIO_CLIENT_ID') || unread.has('PERSONIO_CLIENT_SECRET')
  if ((personio.clientId === undefined) !== (personio.clientSecret === undefined) && !credentialUnread) {
    problems.push('PERSONIO_CLIENT_ID and PERSONIO_CLIENT_SECRET: set both (only one of them is set)')
  }
  const kafka = tree.kafka as Partial<Config['kafka']>
  const sasl = kafka.saslMechanism !== undefined
  const saslUnread = unread.has('KAFKA_SASL_USERNAME') || unread.has('KAFKA_SASL_PASSWORD')
  if (sasl && !saslUnread && (kafka.saslUsername === undefined || kafka.saslPassword === undefined))
    problems.push(
      `KAFKA_SASL_MECHANISM=${kafka.saslMechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE)`,
    )
  if (!sasl && (kafka.saslUsername !== undefined || kafka.saslPassword !== undefined))
    problems.push(
      'KAFKA_SASL_USERNAME/PASSWORD are set but KAFKA_SASL_MECHANISM is not; e.g. KAFKA_SASL_MECHANISM=scram-sha-512',
    )
  if ((kafka.sslCertFile === undefined) !== (kafka.sslKeyFile === undefined))
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE: set both (mutual TLS) or neither')
  for (const [env, file] of [
    ['KAFKA_SSL_CA_FILE', kafka.sslCaFile],
    ['KAFKA_SSL_CERT_FILE', kafka.sslCertFile],
    ['KAFKA_SSL_KEY_FILE', kafka.sslKeyFile],
  ] as const) {
    if (typeof file !== 'string') continue
    if (kafka.ssl !== true) problems.push(`${env} is set but KAFKA_SSL is not true; set KAFKA_SSL=true`)
    if (!existsSync(file))
      problems.push(`${env}: no file at ${file}; give the path of a PEM file, e.g. ${env}=/etc/kafka/ca.pem`)
  }
  const webhooks = (tree.webhooks ?? {}) as Partial<Config['webhooks']>
  if ((webhooks.tlsCertFile === undefined) !== (webhooks.tlsKeyFile === undefined))
    problems.push(
      'WEBHOOK_TLS_CERT_FILE and WEBHOOK_TLS_KEY_FILE: set both (the receiver serves HTTPS) or neither',
    )
  for (const [env, file] of [
    ['WEBHOOK_TLS_CERT_FILE', webhooks.tlsCertFile],
    ['WEBHOOK_TLS_KEY_FILE', webhooks.tlsKeyFile],
  ] as const)
    if (typeof file === 'string' && !existsSync(file))
      problems.push(
        `${env}: no file at ${file}; give the path of a PEM file, e.g. ${env}=/etc/personio-kafka/tls.pem`,
      )
  problems.push(...workerChecks((tree.workers ?? {}) as Partial<Config['workers']>))
  return problems
}

/** The workers' settings that only make sense together, or that name something on disk. */
function workerChecks(workers: Partial<Config['workers']>): string[] {
  const problems: string[] = []
  const dir = workers.companiesDir
  if (typeof dir === 'string' && !isDirectory(dir))
    problems.push(
      `COMPANIES_DIR (workers.companiesDir): no directory at ${dir}; give the directory of the company files (<id>.json), e.g. COMPANIES_DIR=/etc/personio-kafka/companies`,
    )
  const { heartbeatIntervalMs: beat, sessionTimeoutMs: session } = workers
  if (typeof beat === 'number' && typeof session === 'number' && beat * 3 >= session)
    problems.push(
      `WORKER_HEARTBEAT_MS (workers.heartbeatIntervalMs) must be less than a third of WORKER_SESSION_TIMEOUT_MS (${session}), got ${beat}; e.g. WORKER_HEARTBEAT_MS=${Math.max(100, Math.floor((session - 1) / 3 / 100) * 100)}`,
    )
  return problems
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
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
  const problems: string[] = []
  const unread = new Set<string>()
  for (const field of configFields) {
    const raw = readEnvValue(field, env)
    if (raw !== undefined && 'problem' in raw) {
      problems.push(raw.problem)
      unread.add(field.env)
    } else if (raw !== undefined) setPath(tree, field.path, fromEnv(field, raw.value))
  }
  for (const key of Object.keys(configSchema.properties)) tree[key] ??= {}

  if (!validate(tree)) {
    const seen = new Set<string>() // one problem per setting: a bad URL fails both format and pattern
    for (const e of validate.errors ?? []) {
      if (seen.has(e.instancePath)) continue
      seen.add(e.instancePath)
      problems.push(describe(e))
    }
  }
  problems.push(...crossChecks(tree, unread))
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
