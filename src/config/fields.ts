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
  file?: boolean
  example?: string
  expect?: string
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
      file: child.secret === true || child.file === true,
      example: child.example,
      expect: child.expect,
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

/** A default as a person would type it: a list comma-separated, an empty value or map as "none". */
export function shown(value: unknown): string {
  if (Array.isArray(value)) return value.join(',')
  if (value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0))
    return 'none'
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  return line === '' ? lines : [...lines, line]
}

/** Plain-text reference for `--help`: one block per variable, wrapped to `columns`, defaults unquoted. */
export function configHelp(columns = 100): string {
  const indent = Math.max(...configFields.map((f) => f.env.length)) + 4
  const pad = ' '.repeat(indent)
  return configFields
    .map((f) => {
      const facts = [
        f.default === undefined ? undefined : `default: ${shown(f.default)}`,
        f.enum === undefined ? undefined : `one of: ${f.enum.join(', ')}`,
        f.file === true ? `or from a file: ${f.env}_FILE` : undefined,
      ].filter((x) => x !== undefined)
      const text = [
        ...wrap(f.description, columns - indent),
        ...(facts.length === 0 ? [] : wrap(facts.join('; '), columns - indent)),
      ]
      return text
        .map((line, i) => (i === 0 ? `  ${f.env.padEnd(indent - 2)}${line}` : `${pad}${line}`))
        .join('\n')
    })
    .join('\n')
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
