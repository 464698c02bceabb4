import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../../src/errors'
import { configFields, configTable, loadConfig, redactConfig } from '../../../src/config'

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('config > load', () => {
  it('fills every default and runs against the simulator without credentials', () => {
    const config = loadConfig({ env: {} })
    expect(config.personio.baseUrl).toBe('https://api.personio.de')
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092'])
    expect(config.topics).toMatchObject({ prefix: 'personio', keyFormat: 'avro', deleteMode: 'tombstone' })
    expect(config.personio.clientId).toBeUndefined()
    expect(Object.isFrozen(config.topics)).toBe(true)
  })

  it('reads typed values from the environment', () => {
    const config = loadConfig({
      env: {
        KAFKA_BROKERS: 'a:9092, b:9093',
        TOPIC_PARTITIONS: '6',
        KEY_FORMAT: 'string',
        PERSONIO_CLIENT_ID: 'id',
        PERSONIO_CLIENT_SECRET: 's3cret',
      },
    })
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093'])
    expect(config.topics.partitions).toBe(6)
    expect(config.topics.keyFormat).toBe('string')
    expect(config.personio.clientId).toBe('id')
    expect(JSON.stringify(redactConfig(config))).not.toContain('s3cret')
  })

  it('reports every bad value at once, named by its environment variable', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          TOPIC_PARTITIONS: 'many',
          KEY_FORMAT: 'json',
          PERSONIO_APP_ID: 'my-app',
          KAFKA_BROKERS: 'no-port',
          PERSONIO_CLIENT_ID: 'only-the-id',
        },
      }),
    )
    const text = problems.join('\n')
    expect(text).toContain(
      'TOPIC_PARTITIONS (topics.partitions) must be a whole number, got "many"; e.g. TOPIC_PARTITIONS=3',
    )
    expect(text).toContain(
      'KEY_FORMAT (topics.keyFormat) must be one of avro, string, got "json"; e.g. KEY_FORMAT=avro',
    )
    expect(text).toContain('PERSONIO_APP_ID (personio.appId) must be UPPER_SNAKE_CASE, got "my-app"')
    expect(text).toContain(
      'KAFKA_BROKERS (kafka.brokers) must be host:port, comma-separated, got "no-port"; e.g. KAFKA_BROKERS=broker-1:9092,broker-2:9092',
    )
    expect(text).toMatch(/set both/)
    expect(problems.length).toBe(5)
  })

  it('merges a JSON file under the environment and rejects unknown settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pk-config-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ topics: { prefix: 'hr', partitions: 2 } }))
    const config = loadConfig({ env: { TOPIC_PARTITIONS: '4' }, file })
    expect(config.topics.prefix).toBe('hr')
    expect(config.topics.partitions).toBe(4)

    writeFileSync(file, JSON.stringify({ topics: { prefixx: 'hr' } }))
    expect(problemsOf(() => loadConfig({ env: {}, file }))).toEqual(['topics.prefixx: unknown setting'])
    writeFileSync(file, '{ not json')
    expect(problemsOf(() => loadConfig({ env: {}, file }))[0]).toMatch(/not a JSON object/)
  })

  it('LOG_FORMAT: auto unless set, json or pretty, anything else named with its choices', () => {
    expect(loadConfig({ env: {} }).log).toEqual({ level: 'info', format: 'auto' })
    expect(loadConfig({ env: { LOG_FORMAT: 'pretty' } }).log.format).toBe('pretty')
    expect(loadConfig({ env: { LOG_FORMAT: 'json' } }).log.format).toBe('json')
    expect(problemsOf(() => loadConfig({ env: { LOG_FORMAT: 'text' } }))).toEqual([
      'LOG_FORMAT (log.format) must be one of auto, json, pretty, got "text"; e.g. LOG_FORMAT=auto',
    ])
  })

  it('documents every field in the generated table', () => {
    const table = configTable()
    for (const field of configFields) expect(table).toContain(`\`${field.env}\``)
  })
})

describe('config > load > workers', () => {
  it('defaults: one company as today, a rescan every 5 s, 128 partitions, Kafka-like timeouts', () => {
    expect(loadConfig({ env: {} }).workers).toEqual({
      rescanMs: 5000,
      partitions: 128,
      sessionTimeoutMs: 10000,
      heartbeatIntervalMs: 1000,
    })
  })

  it('reads every setting from the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pk-companies-'))
    const config = loadConfig({
      env: {
        COMPANIES_DIR: dir,
        COMPANIES_RESCAN_MS: '1000',
        WORKER_GROUP: 'hr.workers',
        WORKER_PARTITIONS: '12',
        WORKER_SESSION_TIMEOUT_MS: '30000',
        WORKER_HEARTBEAT_MS: '3000',
        WORKER_NAME: 'worker-1',
      },
    })
    expect(config.workers).toEqual({
      companiesDir: dir,
      rescanMs: 1000,
      group: 'hr.workers',
      partitions: 12,
      sessionTimeoutMs: 30000,
      heartbeatIntervalMs: 3000,
      name: 'worker-1',
    })
  })

  it('names each bad value in one line', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          COMPANIES_RESCAN_MS: '100',
          WORKER_PARTITIONS: '0',
          WORKER_SESSION_TIMEOUT_MS: '1000',
          WORKER_HEARTBEAT_MS: 'often',
        },
      }),
    )
    expect(problems).toEqual([
      'COMPANIES_RESCAN_MS (workers.rescanMs) must be >= 500, got 100; e.g. COMPANIES_RESCAN_MS=5000',
      'WORKER_PARTITIONS (workers.partitions) must be >= 1, got 0; e.g. WORKER_PARTITIONS=128',
      'WORKER_SESSION_TIMEOUT_MS (workers.sessionTimeoutMs) must be >= 6000, got 1000; e.g. WORKER_SESSION_TIMEOUT_MS=10000',
      'WORKER_HEARTBEAT_MS (workers.heartbeatIntervalMs) must be a whole number, got "often"; e.g. WORKER_HEARTBEAT_MS=1000',
    ])
    expect(problemsOf(() => loadConfig({ env: { WORKER_PARTITIONS: '10001' } }))).toEqual([
      'WORKER_PARTITIONS (workers.partitions) must be <= 10000, got 10001; e.g. WORKER_PARTITIONS=128',
    ])
  })

  it('refuses a COMPANIES_DIR that is not a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pk-companies-'))
    const file = join(dir, 'acme.json')
    writeFileSync(file, '{}')
    for (const path of [file, join(dir, 'missing')])
      expect(problemsOf(() => loadConfig({ env: { COMPANIES_DIR: path } }))).toEqual([
        `COMPANIES_DIR (workers.companiesDir): no directory at ${path}; give the directory of the company files (<id>.json), e.g. COMPANIES_DIR=/etc/personio-kafka/companies`,
      ])
  })

  it('refuses a heartbeat of a third of the session timeout or more', () => {
    expect(
      problemsOf(() =>
        loadConfig({ env: { WORKER_SESSION_TIMEOUT_MS: '9000', WORKER_HEARTBEAT_MS: '3000' } }),
      ),
    ).toEqual([
      'WORKER_HEARTBEAT_MS (workers.heartbeatIntervalMs) must be less than a third of WORKER_SESSION_TIMEOUT_MS (9000), got 3000; e.g. WORKER_HEARTBEAT_MS=2900',
    ])
    expect(
      loadConfig({ env: { WORKER_SESSION_TIMEOUT_MS: '9000', WORKER_HEARTBEAT_MS: '2999' } }).workers
        .heartbeatIntervalMs,
    ).toBe(2999)
  })
})
