// Walks the config schema once and lists its leaf fields, so the loader, `--help` and the README
// table all read the same declarations.
import { configSchema, type FieldMeta } from './schema'

export type FieldType = 'string' | 'integer' | 'boolean' | 'string[]'

export interface ConfigField extends FieldMeta {
  /** dotted path into Config, e.g. `personio.timeoutMs` */
  path: string
  type: FieldType
  default?: unknown
  enum?: readonly string[]
}

interface SchemaNode {
  type?: string
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  default?: unknown
  enum?: readonly string[]
  env?: string
  description?: string
  secret?: boolean
  file?: boolean
  example?: string
  expect?: string
}

function collect(node: SchemaNode, prefix: string, out: ConfigField[]): ConfigField[] {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`
    if (child.type === 'object') {
      collect(child, path, out)
      continue
    }
    if (child.env === undefined || child.description === undefined) {
      throw new Error(`config field ${path} lacks env or description`)
    }
    out.push({
      path,
      env: child.env,
      description: child.description,
      secret: child.secret === true,
      file: child.secret === true || child.file === true,
      example: child.example,
      expect: child.expect,
      type: child.type === 'array' ? 'string[]' : (child.type as FieldType),
      default: child.default,
      enum: child.enum,
    })
  }
  return out
}

export const configFields: readonly ConfigField[] = Object.freeze(
  collect(configSchema as unknown as SchemaNode, '', []),
)

export function fieldByPath(path: string): ConfigField | undefined {
  return configFields.find((f) => f.path === path)
}

const shown = (value: unknown): string => (Array.isArray(value) ? value.join(',') : String(value))

/** Plain-text reference for `--help`: one block per variable, defaults unquoted. */
export function configHelp(): string {
  const width = Math.max(...configFields.map((f) => f.env.length)) + 2
  return configFields
    .map((f) => {
      const facts = [
        f.default === undefined ? undefined : `default: ${shown(f.default)}`,
        f.enum === undefined ? undefined : `one of: ${f.enum.join(', ')}`,
        f.secret === true ? 'never printed' : undefined,
        f.file === true ? `or from a file: ${f.env}_FILE` : undefined,
      ].filter((x) => x !== undefined)
      const pad = ' '.repeat(width + 2)
      const head = `  ${f.env.padEnd(width)}${f.description}`
      return facts.length === 0 ? head : `${head}\n${pad}${facts.join('; ')}`
    })
    .join('\n')
}

/** Markdown table for the README (`npm run docs:config`). */
export function configTable(): string {
  const rows = configFields.map((f) => {
    const def =
      f.default === undefined
        ? ''
        : `\`${Array.isArray(f.default) ? f.default.join(',') : String(f.default)}\``
    const values = f.enum === undefined ? '' : ` One of ${f.enum.map((v) => `\`${v}\``).join(', ')}.`
    return `| \`${f.env}\` | \`${f.path}\` | ${def} | ${f.description}${values} |`
  })
  return ['| variable | field | default | meaning |', '|---|---|---|---|', ...rows].join('\n')
}
