// One exit code per class of failure, so scripts and orchestrators can tell a typo from an outage.
// The README's exit-code table is this one; a test keeps them in step.
import type { ErrorCode } from '../errors'

export const exitCodes = {
  ok: { code: 0, meaning: 'success' },
  internal: {
    code: 1,
    meaning: 'internal error (a bug): the message comes with a stack trace; please report it',
  },
  usage: { code: 2, meaning: 'usage or configuration: an unknown option, a bad argument or setting' },
  personio: { code: 3, meaning: 'Personio: credentials refused, HTTP errors, rate limits, unreadable data' },
  kafka: { code: 4, meaning: 'Kafka: brokers unreachable, authentication, topics, transactions, state' },
  registry: { code: 5, meaning: 'schema registry or contract: unreachable, refused, incompatible schema' },
  infra: { code: 6, meaning: 'local infrastructure (demo): Java, Maven or the local Kafka/registry' },
  check: { code: 7, meaning: 'doctor or schemas check found something to fix' },
  interrupted: {
    code: 130,
    meaning:
      'interrupted: Ctrl-C during sync or snapshot, or a second signal; nothing half-published is visible to read_committed consumers (run stopped by SIGTERM or Ctrl-C exits 0)',
  },
} as const

export type ExitClass = keyof typeof exitCodes

const classOf: Record<ErrorCode, ExitClass> = {
  PK_CONFIG: 'usage',
  PK_SIMULATOR: 'usage',
  PK_STOPPING: 'interrupted',
  PK_PERSONIO_HTTP: 'personio',
  PK_RATE_LIMITED: 'personio',
  PK_AUTH: 'personio',
  PK_MAPPING: 'personio',
  PK_KAFKA: 'kafka',
  PK_STATE: 'kafka',
  PK_CONTRACT: 'registry',
  PK_INFRA: 'infra',
}

export function exitClassOf(code: ErrorCode): ExitClass {
  return classOf[code]
}

/** Markdown table for the README. */
export function exitCodeTable(): string {
  const rows = Object.values(exitCodes).map((c) => `| ${c.code} | ${c.meaning} |`)
  return ['| exit code | meaning |', '|---|---|', ...rows].join('\n')
}
