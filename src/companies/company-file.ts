// Reads one company file (`<id>.json` in COMPANIES_DIR) into a CompanySpec, or refuses it in one
// line naming the file and the field: a malformed company stops only itself, never the rest. The
// checks are one Ajv schema (as the configuration's), strict about unknown keys, since a typo'd
// key silently dropped would run a company with a setting its operator believes set. Pure: the
// secret files it names are read by the directory (directory.ts).
import { basename } from 'node:path'
import Ajv, { type ErrorObject, type JSONSchemaType } from 'ajv'
import addFormats from 'ajv-formats'
import { fieldPolicyEntrySchema, HTTP_URL, TOPIC_PREFIX_EXPECT, TOPIC_PREFIX_PATTERN } from '../config/schema'
import { preview } from '../errors'
import { resourceNames } from '../resources'
import type { CompanySpec, RefusedCompany } from './company'

/** A company id: it goes into metric labels, log fields and webhook URL paths. */
export const COMPANY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/

type CompanyFile = Omit<CompanySpec, 'id'>

const topKeys = ['prefix', 'personio', 'resources', 'fieldPolicy', 'webhookTokenFile']
const personioKeys = ['baseUrl', 'clientId', 'clientSecretFile']

const companyFileSchema: JSONSchemaType<CompanyFile> = {
  type: 'object',
  additionalProperties: false,
  required: ['prefix', 'personio'],
  properties: {
    prefix: { type: 'string', pattern: TOPIC_PREFIX_PATTERN },
    personio: {
      type: 'object',
      additionalProperties: false,
      required: ['clientId', 'clientSecretFile'],
      properties: {
        baseUrl: { type: 'string', nullable: true, format: 'uri', pattern: HTTP_URL },
        clientId: { type: 'string', minLength: 1 },
        clientSecretFile: { type: 'string', minLength: 1 },
      },
    },
    resources: {
      type: 'array',
      nullable: true,
      minItems: 1,
      items: { type: 'string', enum: resourceNames },
    },
    fieldPolicy: {
      type: 'object',
      nullable: true,
      required: [],
      additionalProperties: false,
      properties: Object.fromEntries(resourceNames.map((name) => [name, fieldPolicyEntrySchema])),
    } as unknown as JSONSchemaType<CompanyFile>['properties']['fieldPolicy'],
    webhookTokenFile: { type: 'string', nullable: true, minLength: 1 },
  },
}

const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, verbose: true })
addFormats(ajv, ['uri'])
const validate = ajv.compile(companyFileSchema)

/** `a.b` for Ajv's `/a/b`; array indexes dropped (`resources` rather than `resources.2`). */
const dotted = (instancePath: string): string =>
  instancePath
    .replace(/^\//, '')
    .split('/')
    .filter((part) => !/^\d+$/.test(part))
    .join('.')

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`)

/** How a field a person left out looks when written, for the hint after "is missing". */
function missingExample(field: string, id: string): string {
  if (field === 'prefix') return `"prefix": "hr.${id}"`
  return `"personio": {"clientId": "…", "clientSecretFile": "${id}.secret"}`
}

/** One Ajv error in words: the field, what is wrong and, where it helps, a good value. */
function describe(e: ErrorObject, id: string): string {
  const path = dotted(e.instancePath)
  const params = e.params as Record<string, unknown>
  if (e.keyword === 'required') {
    const field = join(path, String(params.missingProperty))
    return `${field} is missing; e.g. ${missingExample(field, id)}`
  }
  if (e.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty)
    if (path === 'fieldPolicy')
      return `fieldPolicy.${key} is not a resource; known: ${resourceNames.join(', ')}`
    const known = path === 'personio' ? personioKeys : path === '' ? topKeys : ['drop', 'hash']
    return `${join(path, key)} is not a setting of a company file; known here: ${known.join(', ')}`
  }
  if (e.keyword === 'enum')
    return `${path}: ${preview(e.data)} is not a resource; known: ${resourceNames.join(', ')}`
  if (path === 'prefix' && e.keyword === 'pattern')
    return `prefix ${TOPIC_PREFIX_EXPECT}, got ${preview(e.data)}; e.g. "prefix": "hr.${id}"`
  if (path === 'personio.baseUrl' && (e.keyword === 'pattern' || e.keyword === 'format'))
    return `personio.baseUrl must be an http(s) URL with a host, got ${preview(e.data)}; e.g. "baseUrl": "https://api.personio.de"`
  if (e.keyword === 'type' && params.type === 'object')
    return path === 'personio'
      ? `personio must be a JSON object; e.g. ${missingExample(path, id)}`
      : `${path} must be a JSON object`
  if (e.keyword === 'type' && params.type === 'array') return `${path} must be a list, e.g. ["employees"]`
  if (e.keyword === 'minLength') return `${path} must not be empty`
  if (e.keyword === 'minItems') return `${path} must name at least one resource (or leave it out for all)`
  return `${path} ${e.message ?? 'is invalid'}`
}

/** Keys that would hold a secret in clear, anywhere a person might put one. */
function secretsInClear(value: Record<string, unknown>): string[] {
  const found: string[] = []
  const look = (node: unknown, path: string) => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return
    for (const key of Object.keys(node)) {
      if (/(secret|password|token)$/i.test(key)) {
        const field = join(path, key)
        const file = /token$/i.test(key) ? 'webhookTokenFile' : 'clientSecretFile'
        found.push(
          `${field} holds a secret in clear, which a company file must not; put the secret in a file and name it with ${file}`,
        )
      }
    }
  }
  look(value, '')
  look(value.personio, 'personio')
  return found
}

/** Where JSON.parse stopped, without the snippet of the text it quotes (it may hold a secret). */
function whereBroken(error: unknown): string {
  const message = error instanceof Error ? error.message : ''
  const at = /\(line (\d+) column (\d+)\)/.exec(message)
  if (at !== null) return `at line ${at[1]}, column ${at[2]}`
  const position = /at position (\d+)/.exec(message)
  if (position !== null) return `at character ${Number(position[1]) + 1}`
  return /end of JSON/i.test(message) ? 'it ends too early' : 'it cannot be parsed'
}

/** The company id a file name gives (`acme.json` → `acme`), or undefined when it gives none. */
export function companyIdOf(fileName: string): string | undefined {
  const name = basename(fileName)
  const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : undefined
  return id !== undefined && COMPANY_ID.test(id) ? id : undefined
}

/**
 * A company file's text → its spec, or why it is refused: one line beginning with `fileName`.
 * `fileName` may be a path; the id is its base name without `.json`.
 */
export function parseCompanyFile(
  fileName: string,
  text: string,
): { spec: CompanySpec } | { refused: RefusedCompany } {
  const refuse = (why: string, id?: string) => ({
    refused: { file: fileName, ...(id === undefined ? {} : { id }), why: `${fileName}: ${why}` },
  })
  const id = companyIdOf(fileName)
  if (id === undefined)
    return refuse(
      'the file name must be the company id and .json: lowercase letters, digits and -, starting with a letter or digit, at most 63 characters; e.g. acme-gmbh.json',
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return refuse(`not JSON (${whereBroken(error)}); a company file is one JSON object`, id)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return refuse(
      `must be one JSON object, e.g. {"prefix": "hr.${id}", "personio": {"clientId": "…", "clientSecretFile": "${id}.secret"}}`,
      id,
    )
  const clear = secretsInClear(parsed as Record<string, unknown>)
  if (clear.length > 0) return refuse(clear.join('; '), id)
  if (!validate(parsed)) {
    const problems = [...new Set((validate.errors ?? []).map((e) => describe(e, id)))]
    return refuse(problems.join('; '), id)
  }
  return { spec: { id, ...parsed } }
}
