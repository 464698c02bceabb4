// The kafkajs Kafka instance, with its log routed into our structured logger.
import './aborted-filter' // before kafkajs: see that file
import { Kafka, logLevel, type LogEntry } from 'kafkajs'
import type { Logger } from '../../ops/logger'

export interface KafkaClientOptions {
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

export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' })
  return new Kafka({
    brokers: options.brokers,
    clientId: options.clientId,
    // kafkajs logs INFO chatter on every (re)join; WARN keeps what an operator acts on.
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry
        log[isExpectedNoise(message, rest.error) ? 'debug' : (levels[level] ?? 'info')](rest, message)
      },
  })
}

/**
 * kafkajs messages that describe handled situations, kept at debug:
 * - CONCURRENT_TRANSACTIONS right after a commit is retried within milliseconds (transactional-sink.ts);
 * - "Limiting retries for the idempotent producer": deliberate, a failed send aborts its
 *   transaction, so nothing half-sent becomes visible to read_committed consumers.
 */
function isExpectedNoise(message: string, error: unknown): boolean {
  const text = `${message} ${typeof error === 'string' ? error : ''}`
  return (
    text.includes('another concurrent operation on the same transaction') ||
    text.includes('Limiting retries for the idempotent producer')
  )
}
