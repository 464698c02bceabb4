// The kafkajs Kafka instance: connection security from the config, and its log routed into our
// structured logger with levels that mean something. kafkajs logs every failure it is about to
// retry, or about to throw to us, at error level; those failures reach the person once, as our own
// error, so here they are debug. What kafkajs reports and nobody else will stays at its level.
import './aborted-filter' // before kafkajs: see that file
import './negative-timeouts' // Node 22+ warns of kafkajs' negative timers: see that file
import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs'
import type { Config } from '../../config'
import type { Logger } from '../../ops/logger'

export type KafkaSecurity = Partial<
  Pick<
    Config['kafka'],
    | 'ssl'
    | 'sslCaFile'
    | 'sslCertFile'
    | 'sslKeyFile'
    | 'sslRejectUnauthorized'
    | 'saslMechanism'
    | 'saslUsername'
    | 'saslPassword'
  >
>

export interface KafkaClientOptions extends KafkaSecurity {
  brokers: string[]
  clientId: string
  logger: Logger
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
}

export function tlsOptions(o: KafkaSecurity): ConnectionOptions | undefined {
  if (o.ssl !== true) return undefined
  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file, 'utf8'))
  return {
    rejectUnauthorized: o.sslRejectUnauthorized ?? true,
    ca: read(o.sslCaFile),
    cert: read(o.sslCertFile),
    key: read(o.sslKeyFile),
  }
}

export function saslOptions(o: KafkaSecurity): SASLOptions | undefined {
  if (o.saslMechanism === undefined) return undefined
  const username = o.saslUsername ?? ''
  const password = o.saslPassword ?? ''
  switch (o.saslMechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password }
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password }
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password }
  }
}

export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' })
  const debug = log.isLevelEnabled('debug')
  const ssl = tlsOptions(options)
  const sasl = saslOptions(options)
  return new Kafka({
    brokers: options.brokers,
    clientId: options.clientId,
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl }),
    // An unreachable or misconfigured broker should end in our one message within seconds, not
    // after kafkajs' default ~13 s of retries. The producer sets its own, longer retry policy.
    connectionTimeout: 3000,
    authenticationTimeout: 5000,
    retry: { initialRetryTime: 250, retries: 4, maxRetryTime: 2000 },
    logLevel: debug ? logLevel.DEBUG : logLevel.WARN,
    logCreator:
      () =>
      ({ level, namespace, log: entry }: LogEntry) => {
        const { message, stack, ...rest } = entry as LogEntry['log'] & { stack?: unknown }
        const fields = debug && stack !== undefined ? { ...rest, stack } : rest
        const chosen = isHandledElsewhere(namespace, message, rest) ? 'debug' : (levels[level] ?? 'info')
        log[chosen](fields, message)
      },
  })
}

/**
 * kafkajs messages about situations that are retried or end in an error we report ourselves:
 * - anything logged with retryCount/retryTime: kafkajs retries it, or gives up and throws to us;
 * - connection and protocol response errors (`Connection`, `Response <api>`), seed broker failures,
 *   SASL refusals: each is thrown to the caller, which explains it once;
 * - "The coordinator is loading": a broker starting up, retried;
 * - CONCURRENT_TRANSACTIONS right after a commit, retried within milliseconds (transactional-sink.ts);
 * - "Limiting retries for the idempotent producer": deliberate, a failed send aborts its
 *   transaction, so nothing half-sent becomes visible to read_committed consumers.
 */
export function isHandledElsewhere(
  namespace: string,
  message: string,
  fields: Record<string, unknown>,
): boolean {
  if ('retryCount' in fields || 'retryTime' in fields) return true
  if (namespace === 'Connection' || message.startsWith('Response ')) return true
  if (/^sasl/i.test(namespace) || /authentication failed/i.test(message)) return true
  const text = `${message} ${typeof fields.error === 'string' ? fields.error : ''}`
  return (
    text.includes('Failed to connect to seed broker') ||
    text.includes('coordinator is loading') ||
    text.includes('another concurrent operation on the same transaction') ||
    text.includes('Limiting retries for the idempotent producer') ||
    // a rebalance of a workers group is how work moves (issue #28): the worker says its new
    // assignment itself, at info
    text.includes('The group is rebalancing, re-joining')
  )
}
