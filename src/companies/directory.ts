// The companies of a deployment as one scan of COMPANIES_DIR finds them: every `<id>.json` parsed,
// the secrets it names read, each fingerprinted, and the whole judged. The judgement is pure and
// its outcome does not depend on the order files were listed or added in, so every worker that
// reads the same directory runs the same companies: two files naming one prefix are both refused
// (never two writers to one prefix, and never "whichever came first", which two workers could
// see differently).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { ConfigError } from '../errors'
import type { Company, CompanyDirectory, CompanySpec, RefusedCompany } from './company'
import { companyIdOf, parseCompanyFile } from './company-file'

/** Webhook tokens as short as this are refused (as WEBHOOK_TOKEN is). */
const MIN_TOKEN_LENGTH = 24

/**
 * What one company file came to before judging: a company ready to run, or refused. A refusal
 * that still knows the spec (its secret could not be read) keeps its prefix claimed, so that a
 * second company on that prefix is refused whether or not the first one's secret is readable.
 */
export type ReadCompany = Company | { refused: RefusedCompany; spec?: CompanySpec }

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Companies sharing a value of `key` (prefix, id) → each one refused, naming the others' files. */
function clashes(
  read: readonly ReadCompany[],
  key: (spec: CompanySpec) => string,
  why: (value: string, others: string) => string,
): Map<Company, string> {
  const claims = new Map<string, string[]>()
  for (const item of read) {
    if (item.spec === undefined) continue
    const file = 'refused' in item ? item.refused.file : item.file
    claims.set(key(item.spec), [...(claims.get(key(item.spec)) ?? []), file])
  }
  const out = new Map<Company, string>()
  for (const item of read) {
    if ('refused' in item) continue
    const files = claims.get(key(item.spec)) ?? []
    const others = files.filter((f) => f !== item.file).sort(byText)
    if (others.length > 0) out.set(item, `${item.file}: ${why(key(item.spec), others.join(', '))}`)
  }
  return out
}

/** Pure: which companies run and which are refused, whatever order `read` lists them in. */
export function judgeCompanies(read: readonly ReadCompany[]): CompanyDirectory {
  const prefixes = clashes(
    read,
    (spec) => spec.prefix,
    (prefix, others) =>
      `prefix "${prefix}" is also named by ${others}; both are refused, as one prefix has one writer: give each company its own prefix`,
  )
  const ids = clashes(
    read,
    (spec) => spec.id,
    (id, others) => `company id "${id}" is also the id of ${others}; both are refused: rename one file`,
  )
  const refused: RefusedCompany[] = []
  const companies: Company[] = []
  for (const item of read) {
    if ('refused' in item) refused.push(item.refused)
    else {
      const why = [ids.get(item), prefixes.get(item)].find((w) => w !== undefined)
      if (why === undefined) companies.push(item)
      else refused.push({ file: item.file, id: item.spec.id, why })
    }
  }
  companies.sort((a, b) => byText(a.spec.id, b.spec.id))
  refused.sort((a, b) => byText(a.file, b.file) || byText(a.why, b.why))
  return { companies: new Map(companies.map((c) => [c.spec.id, c])), refused }
}

const reason = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error))

/** A secret file's content without the newline an editor or `echo` leaves; an error line if none. */
function readSecret(dir: string, path: string): { value: string } | { problem: string } {
  const full = isAbsolute(path) ? path : join(dir, path)
  let text: string
  try {
    text = readFileSync(full, 'utf8')
  } catch (error) {
    return { problem: `${full} cannot be read (${reason(error)})` }
  }
  const value = text.replace(/[\r\n]+$/, '')
  return value === '' ? { problem: `${full} is empty` } : { value }
}

/** One parsed file → a company with its secrets read and fingerprinted, or its refusal. */
function withSecrets(dir: string, file: string, text: string, spec: CompanySpec): ReadCompany {
  const refuse = (why: string): ReadCompany => ({
    refused: { file, id: spec.id, why: `${file}: ${why}` },
    spec,
  })
  const secret = readSecret(dir, spec.personio.clientSecretFile)
  if ('problem' in secret)
    return refuse(`personio.clientSecretFile: ${secret.problem}; write the Personio client secret there`)
  let webhookToken: string | undefined
  if (spec.webhookTokenFile !== undefined) {
    const token = readSecret(dir, spec.webhookTokenFile)
    if ('problem' in token) return refuse(`webhookTokenFile: ${token.problem}; write the webhook token there`)
    if (token.value.length < MIN_TOKEN_LENGTH)
      return refuse(
        `webhookTokenFile: the token has ${token.value.length} characters, fewer than ${MIN_TOKEN_LENGTH}; e.g. openssl rand -hex 32 > ${spec.webhookTokenFile}`,
      )
    webhookToken = token.value
  }
  const fingerprint = createHash('sha256')
    .update(text)
    .update('\0')
    .update(secret.value)
    .update('\0')
    .update(webhookToken ?? '')
    .digest('hex')
  return {
    spec,
    file,
    clientSecret: secret.value,
    ...(webhookToken === undefined ? {} : { webhookToken }),
    fingerprint,
  }
}

/**
 * Reads COMPANIES_DIR: every `*.json` (dotfiles and Kubernetes' `..data` entries of a mounted
 * ConfigMap or Secret left out), its secrets relative to `dir` unless absolute. A file that cannot
 * be read or is wrong refuses only its company; a directory that cannot be listed throws a
 * ConfigError of one line.
 */
export function readCompanyDirectory(dir: string): CompanyDirectory {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    throw new ConfigError([
      `COMPANIES_DIR ${dir}: cannot be read (${reason(error)}); give the directory of the company files (<id>.json)`,
    ])
  }
  const read = names
    .filter((name) => !name.startsWith('.') && name.endsWith('.json'))
    .sort(byText)
    .map((name): ReadCompany => {
      const file = join(dir, name)
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch (error) {
        const id = companyIdOf(file)
        return {
          refused: {
            file,
            ...(id === undefined ? {} : { id }),
            why: `${file}: cannot be read (${reason(error)})`,
          },
        }
      }
      const parsed = parseCompanyFile(file, text)
      return 'refused' in parsed ? parsed : withSecrets(dir, file, text, parsed.spec)
    })
  return judgeCompanies(read)
}
