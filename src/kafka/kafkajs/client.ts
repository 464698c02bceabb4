// The kafkajs Kafka instance, with its log routed into our structured logger.
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
        // Expected and retried (see transactional-sink.ts): not worth an operator's attention.
        const expected =
          typeof rest.error === 'string' &&
          rest.error.includes('another concurrent operation on the same transaction')
        log[expected ? 'debug' : (levels[level] ?? 'info')](rest, message)
      },
  })
}
