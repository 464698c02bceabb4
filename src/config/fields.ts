// Walks the config schema once and lists its leaf fields, so the loader, `--help` and the README
// table all read the same declarations.
import { configSchema, type FieldMeta } from './schema'

export type FieldType = 'string' | 'integer' | 'boolean' | 'string[]' | 'json'

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
}

function collect(node: SchemaNode, prefix: string, out: ConfigField[]): ConfigField[] {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`
    // An object with its own env variable is one JSON-valued setting (a map), not a section.
    if (child.type === 'object' && child.env === undefined) {
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
      type:
        child.type === 'array' ? 'string[]' : child.type === 'object' ? 'json' : (child.type as FieldType),
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

/** Markdown table for the README (`npm run docs:config`). */
export function configTable(): string {
  const rows = configFields.map((f) => {
    const def =
      f.default === undefined
        ? ''
        : `\`${Array.isArray(f.default) ? f.default.join(',') : f.type === 'json' ? JSON.stringify(f.default) : String(f.default)}\``
    const values = f.enum === undefined ? '' : ` One of ${f.enum.map((v) => `\`${v}\``).join(', ')}.`
    return `| \`${f.env}\` | \`${f.path}\` | ${def} | ${f.description}${values} |`
  })
  return ['| variable | field | default | meaning |', '|---|---|---|---|', ...rows].join('\n')
}
