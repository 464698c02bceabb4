// Schema registry access through the Confluent REST API (Confluent, Apicurio ccompat, Redpanda).
// The only I/O of contract/. Rules: subjects are always explicit (TopicNameStrategy); the subject's
// compatibility is read and respected, NEVER written; a new version is checked against the
// registry before it is registered; a key subject accepts exactly one schema (frozen keys); ids are
// cached and concurrent lookups for the same subject/schema or id share one request.
// Why raw REST rather than @kafkajs/confluent-schema-registry's register(): that call writes
// BACKWARD onto every new subject and throws on subjects configured otherwise (see the smoke test).
import { request } from 'undici'
import { ContractError } from '../errors'

export interface RegistryOptions {
  url: string
  username?: string
  password?: string
  timeoutMs?: number
}

export interface RegisteredSchema {
  id: number
  version?: number
  schema: string
}

/** What registering a schema would do, found out without registering it. */
export type SchemaCheck =
  | { state: 'new' }
  | { state: 'identical'; id: number; version?: number }
  | { state: 'compatible' | 'incompatible'; level: string; version?: number; messages: string[] }

export interface SchemaRegistryClient {
  compatibility(subject: string): Promise<string>
  latest(subject: string): Promise<RegisteredSchema | undefined>
  /** Registers after a pre-flight compatibility check; returns the id (existing or new). */
  register(subject: string, schema: object, options?: { frozen?: boolean }): Promise<number>
  schemaById(id: number): Promise<string>
}

/** Read-only questions for `doctor` and `schemas check`; kept apart so fakes of the client stay small. */
export interface RegistryInspector {
  subjects(): Promise<string[]>
  check(subject: string, schema: object): Promise<SchemaCheck>
}

/** The subject a REST path is about, so errors can name it. */
function subjectOf(path: string): string | undefined {
  const m = /\/(?:subjects|config)\/([^/?]+)/.exec(path)
  return m?.[1] === undefined ? undefined : decodeURIComponent(m[1])
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

function hasConfluentErrorCode(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    typeof (json as { error_code?: unknown }).error_code === 'number'
  )
}

function wrongBaseHint(base: string): string {
  if (!/\/apis\/ccompat\/v\d+$/.test(base))
    return `SCHEMA_REGISTRY_URL probably lacks the API path: Apicurio serves it under /apis/ccompat/v7, e.g. SCHEMA_REGISTRY_URL=${base}/apis/ccompat/v7 (Confluent and Redpanda: the root URL).`
  return 'Check SCHEMA_REGISTRY_URL: it should be the Confluent-compatible base URL, e.g. http://registry:8080/apis/ccompat/v7.'
}

/** Canonical text of a schema for comparisons: parse + stringify drops whitespace differences. */
const canonical = (schema: string | object): string =>
  JSON.stringify(typeof schema === 'string' ? JSON.parse(schema) : schema)

export function createSchemaRegistry(options: RegistryOptions): SchemaRegistryClient & RegistryInspector {
  const base = options.url.replace(/\/+$/, '')
  const headers: Record<string, string> = { accept: CONTENT_TYPE, 'content-type': CONTENT_TYPE }
  if (options.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
  }
  const inflight = new Map<string, Promise<unknown>>()
  const ids = new Map<string, number>()
  const schemas = new Map<number, string>()

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T }> {
    let res
    // Every call here is idempotent (reads, and registering the same schema returns its id), so a
    // connection error or a timeout (a registry pausing for GC) is tried twice more before it counts.
    for (let attempt = 1; ; attempt++) {
      try {
        res = await request(`${base}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          headersTimeout: options.timeoutMs ?? 10_000,
          bodyTimeout: options.timeoutMs ?? 10_000,
        })
        break
      } catch (error) {
        if (attempt < 3) {
          await new Promise((r) => setTimeout(r, 250 * attempt))
          continue
        }
        throw new ContractError(
          `Schema registry at ${base} is unreachable (${(error as Error).message}); check SCHEMA_REGISTRY_URL`,
          {},
          { cause: error, retriable: true },
        )
      }
    }
    const text = await res.body.text()
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = { message: text.slice(0, 300) }
    }
    if (res.statusCode === 401 || res.statusCode === 403) {
      const subject = subjectOf(path)
      throw new ContractError(
        `Schema registry refused ${method} ${path} (${res.statusCode})${subject === undefined ? '' : ` for ${subject}`}; ` +
          'check SCHEMA_REGISTRY_USERNAME/PASSWORD and that this user may read and register schemas',
        { subject },
      )
    }
    if (res.statusCode === 404 && !hasConfluentErrorCode(json)) {
      // A Confluent-compatible registry says 404 with an error_code (40401 subject, 40403 schema…);
      // a bare 404 means nothing serves the Confluent API at this URL.
      throw new ContractError(
        `Schema registry at ${base} answered 404 for ${method} ${path}: no Confluent-compatible API at this URL. ` +
          wrongBaseHint(base),
      )
    }
    if (res.statusCode >= 500) {
      throw new ContractError(
        `Schema registry failed with ${res.statusCode} on ${method} ${path}: ${text.slice(0, 300)}`,
        {},
        { retriable: true },
      )
    }
    return { status: res.statusCode, json: json as T }
  }

  function once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = inflight.get(key) as Promise<T> | undefined
    if (existing !== undefined) return existing
    const p = fn().finally(() => inflight.delete(key))
    inflight.set(key, p)
    return p
  }

  const enc = encodeURIComponent
  const client: SchemaRegistryClient & RegistryInspector = {
    async compatibility(subject) {
      const own = await call<{ compatibilityLevel?: string }>(
        'GET',
        `/config/${enc(subject)}?defaultToGlobal=true`,
      )
      if (own.status === 200 && own.json.compatibilityLevel !== undefined) return own.json.compatibilityLevel
      const global = await call<{ compatibilityLevel?: string }>('GET', '/config')
      return global.json.compatibilityLevel ?? 'BACKWARD'
    },

    async subjects() {
      const res = await call<string[]>('GET', '/subjects')
      if (res.status !== 200 || !Array.isArray(res.json))
        throw new ContractError(`Cannot list the registry's subjects (${res.status})`)
      return res.json
    },

    async check(subject, schema) {
      const text = canonical(schema)
      const latest = await client.latest(subject)
      if (latest === undefined) return { state: 'new' }
      if (canonical(latest.schema) === text)
        return { state: 'identical', id: latest.id, version: latest.version }
      // Registries may store a normalised text: ask whether this schema already is a version of the subject.
      const found = await call<{ id?: number; version?: number }>('POST', `/subjects/${enc(subject)}`, {
        schema: text,
      })
      if (found.status === 200 && found.json.id !== undefined)
        return { state: 'identical', id: found.json.id, version: found.json.version }
      const level = await client.compatibility(subject)
      const res = await call<{ is_compatible?: boolean; messages?: string[] }>(
        'POST',
        `/compatibility/subjects/${enc(subject)}/versions/latest?verbose=true`,
        { schema: text },
      )
      if (res.status !== 200)
        throw new ContractError(`Registry could not check ${subject} (${res.status})`, { subject })
      const messages = res.json.messages ?? []
      const state = res.json.is_compatible === false ? 'incompatible' : 'compatible'
      return { state, level, version: latest.version, messages }
    },

    async latest(subject) {
      const res = await call<RegisteredSchema & { error_code?: number }>(
        'GET',
        `/subjects/${enc(subject)}/versions/latest`,
      )
      if (res.status === 404) return undefined
      if (res.status !== 200)
        throw new ContractError(`Cannot read ${subject} from the registry (${res.status})`, { subject })
      return res.json
    },

    register(subject, schema, { frozen = false } = {}) {
      const text = canonical(schema)
      const cacheKey = `${subject}\n${text}`
      const cached = ids.get(cacheKey)
      if (cached !== undefined) return Promise.resolve(cached)
      return once(`register:${cacheKey}`, async () => {
        const latest = await client.latest(subject)
        if (latest !== undefined && canonical(latest.schema) === text) {
          ids.set(cacheKey, latest.id)
          return latest.id
        }
        if (latest !== undefined && frozen) {
          throw new ContractError(
            `Key schema of ${subject} is frozen: the registered key schema differs from this one, and a different key ` +
              'would change key bytes, breaking compaction and partitioning. Use a new topic prefix to change keys.',
            { subject },
          )
        }
        if (latest !== undefined) {
          const level = await client.compatibility(subject)
          const check = await call<{ is_compatible?: boolean; messages?: string[] }>(
            'POST',
            `/compatibility/subjects/${enc(subject)}/versions/latest?verbose=true`,
            { schema: text },
          )
          if (check.status === 200 && check.json.is_compatible === false) {
            const messages = check.json.messages ?? []
            throw new ContractError(
              `Schema change for ${subject} is not ${level}-compatible with version ${latest.version ?? '?'}; nothing was published. ` +
                `Registry says: ${messages.join('; ') || 'incompatible'}. Fix the schema or, deliberately, the subject's compatibility.`,
              { subject, paths: messages },
            )
          }
        }
        const res = await call<{ id?: number; message?: string; error_code?: number }>(
          'POST',
          `/subjects/${enc(subject)}/versions`,
          { schema: text },
        )
        if (res.status !== 200 || res.json.id === undefined) {
          const said = res.json.message ?? 'no message'
          const todo =
            res.status === 409
              ? `the change is not ${await client.compatibility(subject)}-compatible; fix the schema or, deliberately, the subject's compatibility`
              : res.status === 422
                ? 'the registry finds the schema invalid; this is a bug in the generated schema, please report it'
                : 'check the registry'
          throw new ContractError(
            `Registry rejected the schema for ${subject} (${res.status}): ${said}; nothing was published. ${todo}.`,
            { subject, paths: res.json.message === undefined ? [] : [res.json.message] },
          )
        }
        ids.set(cacheKey, res.json.id)
        schemas.set(res.json.id, text)
        return res.json.id
      })
    },

    schemaById(id) {
      const cached = schemas.get(id)
      if (cached !== undefined) return Promise.resolve(cached)
      return once(`id:${id}`, async () => {
        const res = await call<{ schema?: string }>('GET', `/schemas/ids/${id}`)
        if (res.status !== 200 || res.json.schema === undefined)
          throw new ContractError(`Schema id ${id} is not in the registry (${res.status})`)
        schemas.set(id, res.json.schema)
        return res.json.schema
      })
    },
  }
  return client
}
