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
