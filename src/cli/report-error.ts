// Turns any failure into what a person reads: one line per problem that names the setting or
// argument, what is wrong and what to do, and the exit code of its class (exit-codes.ts). Stack
// traces only for real bugs (anything that is not a PkError) or at LOG_LEVEL=debug/trace.
import { ConfigError, PersonioHttpError, PkError } from '../errors'
import { exitClassOf, exitCodes } from './exit-codes'

const label: Record<string, string> = {
  usage: 'configuration',
  personio: 'Personio',
  kafka: 'Kafka',
  registry: 'schema registry',
  infra: 'local infrastructure',
}

/** The error and its causes, outermost first. */
function chain(error: unknown): unknown[] {
  const out: unknown[] = []
  for (let e = error; e !== undefined && out.length < 8; e = (e as { cause?: unknown }).cause) {
    out.push(e)
    if (!(e instanceof Error)) break
  }
  return out
}

const named = (error: unknown, name: string) =>
  chain(error).find((e): e is Error => e instanceof Error && e.name === name)

/** OpenSSL's messages end in a newline and carry its source path: one line, trimmed. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

/** A TLS handshake failure among the causes (a certificate not trusted, a server not speaking TLS). */
const tlsFailure = (error: unknown) =>
  chain(error).find(
    (e): e is Error & { code?: string } =>
      e instanceof Error &&
      /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(String((e as { code?: unknown }).code)),
  )

/** kafkajs failures a person fixes in the configuration: said in words that name the settings. */
function kafkaExplanation(error: unknown): string | undefined {
  const sasl = named(error, 'KafkaJSSASLAuthenticationError')
  if (sasl !== undefined)
    return (
      `the broker refused the SASL credentials (${sasl.message}); check KAFKA_SASL_MECHANISM, ` +
      'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE), e.g. KAFKA_SASL_MECHANISM=scram-sha-512'
    )
  const tls = tlsFailure(error)
  if (tls !== undefined)
    return (
      `TLS handshake with the broker failed (${oneLine(tls.message)}); set KAFKA_SSL_CA_FILE to the PEM file of the CA ` +
      'that signed the broker certificate, e.g. KAFKA_SSL_CA_FILE=/etc/kafka/ca.pem'
    )
  return undefined
}

/** Personio failures that point at PERSONIO_BASE_URL rather than at Personio. */
function personioExplanation(error: unknown): string | undefined {
  if (!(error instanceof PersonioHttpError)) return undefined
  const tls = error.status === 0 ? tlsFailure(error) : undefined
  if (tls !== undefined)
    return (
      `TLS handshake with Personio failed at ${error.method} ${error.endpoint} (${tls.code ?? oneLine(tls.message)}); check PERSONIO_BASE_URL: ` +
      'an https URL needs a TLS server there (http:// for a local simulator), and a proxy in between must pass TLS through'
    )
  if (error.status === 0)
    return `${error.message}; check PERSONIO_BASE_URL and that it is reachable from here, e.g. PERSONIO_BASE_URL=https://api.personio.de`
  if (error.status === 404 && error.endpoint.endsWith('/auth'))
    return `${error.message}; check PERSONIO_BASE_URL: it is the API origin, without /v1 or /v2, e.g. PERSONIO_BASE_URL=https://api.personio.de`
  return undefined
}

export function wantsStacks(env: NodeJS.ProcessEnv = process.env): boolean {
  const level = env.LOG_LEVEL?.trim()
  return level === 'debug' || level === 'trace'
}

export interface Report {
  lines: string[]
  exitCode: number
}

export function describeError(error: unknown, stacks = wantsStacks()): Report {
  if (error instanceof ConfigError) {
    return {
      lines: error.problems.map((p) => `error: configuration: ${p}`),
      exitCode: exitCodes.usage.code,
    }
  }
  if (error instanceof PkError) {
    const cls = exitClassOf(error.code)
    // Each explanation names the settings of its own side: a Personio TLS failure is not the broker's.
    const message =
      (cls === 'kafka' ? kafkaExplanation(error) : undefined) ?? personioExplanation(error) ?? error.message
    const lines = [`error: ${label[cls] ?? cls}: ${message}`]
    if (stacks) for (const e of chain(error)) if (e instanceof Error && e.stack) lines.push(e.stack)
    return { lines, exitCode: exitCodes[cls].code }
  }
  const bug = error instanceof Error ? error : new Error(String(error))
  return {
    lines: [
      `error: internal error (please report it): ${bug.message}`,
      ...chain(bug).flatMap((e) => (e instanceof Error && e.stack ? [e.stack] : [])),
    ],
    exitCode: exitCodes.internal.code,
  }
}
