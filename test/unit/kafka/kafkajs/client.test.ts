// kafkajs' log through our logger: what kafkajs retries, or throws to us to explain once, is debug;
// what nobody else reports keeps its level. Stacks only when the log level is debug.
import { Writable } from 'node:stream'
import { createKafka } from '../../../../src/kafka/kafkajs/client'
import { createLogger } from '../../../../src/ops/logger'

function capture(level: 'info' | 'debug') {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  const kafka = createKafka({ brokers: ['127.0.0.1:1'], clientId: 't', logger: createLogger(level, sink) })
  return { log: kafka.logger(), lines }
}

describe('kafka > kafkajs > client log', () => {
  it('keeps retried and rethrown kafkajs errors out of the info log', () => {
    const { log, lines } = capture('info')
    log
      .namespace('Connection')
      .error('Connection error: connect ECONNREFUSED 127.0.0.1:1', { stack: 'Error: …' })
    log.namespace('Cluster').error('Failed to connect to seed broker, trying another broker from the list', {
      retryCount: 0,
      retryTime: 300,
    })
    log.namespace('Connection').error('Response FindCoordinator(key: 10, version: 2)', {
      error: 'The coordinator is loading and hence can not process requests',
    })
    log.namespace('SaslAuthenticator-SCRAM-SHA-256').error('SASL SCRAM SHA256 authentication failed')
    // a workers group rebalancing is how work moves (the worker logs its new assignment itself)
    log.namespace('ConsumerGroup').warn('The group is rebalancing, re-joining', {
      groupId: 'personio-kafka.workers',
      error: 'The group is rebalancing, so a rejoin is needed',
    })
    expect(lines).toEqual([])
  })

  it('keeps what nobody else reports at its level, without the stack', () => {
    const { log, lines } = capture('info')
    log
      .namespace('Consumer')
      .error('Crash: KafkaJSNumberOfRetriesExceeded: boom', { groupId: 'g', stack: 'at x' })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({
      level: 50,
      component: 'kafkajs',
      msg: 'Crash: KafkaJSNumberOfRetriesExceeded: boom',
    })
    expect(lines[0]).not.toHaveProperty('stack')
  })

  it('shows the chatter, stacks included, at debug', () => {
    const { log, lines } = capture('debug')
    log.namespace('Connection').error('Connection error: x', { stack: 'Error: x\n    at y' })
    expect(lines).toEqual([
      expect.objectContaining({ level: 20, msg: 'Connection error: x', stack: 'Error: x\n    at y' }),
    ])
  })
})
