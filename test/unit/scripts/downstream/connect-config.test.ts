// docs/sinks.md shows the connector configuration the Kafka Connect downstream test runs: the same
// function renders both, so the doc cannot drift from what was proven.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  apicurioApiUrl,
  documentedIcebergSink,
  documentedJdbcSink,
  jdbcSinkConfig,
  sinkTable,
  workerProperties,
} from '../../../../scripts/downstream/connect-config'
import { resourceNames } from '../../../../src/resources'

const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'sinks.md'), 'utf8')

describe('scripts/downstream/connect-config', () => {
  it('docs/sinks.md holds the JDBC sink configuration the test runs, for all ten topics', () => {
    const block = /<!-- connect-jdbc:begin[^\n]*\n\n```json\n([\s\S]*?)\n```/.exec(doc)?.[1]
    expect(block).toBe(JSON.stringify(documentedJdbcSink(resourceNames), null, 2))
  })

  it('docs/sinks.md holds the Iceberg sink configuration the test runs', () => {
    const block = /<!-- connect-iceberg:begin[^\n]*\n\n```json\n([\s\S]*?)\n```/.exec(doc)?.[1]
    expect(block).toBe(JSON.stringify(documentedIcebergSink(resourceNames), null, 2))
  })

  it('every worker property the doc shows is one the test worker runs with', () => {
    const props = workerProperties({
      brokers: 'kafka:9092',
      groupId: 'personio-connect',
      restPort: 8083,
      pluginPath: '/opt/connect/plugins',
    }).split('\n')
    const shown = /```properties\n([\s\S]*?)\n```/.exec(doc)?.[1]?.split('\n') ?? []
    expect(shown.length).toBeGreaterThan(3)
    for (const line of shown) expect(props).toContain(line)
  })

  it('routes each topic to <prefix>_<resource> (RegexRouter matches the whole topic name)', () => {
    const config = jdbcSinkConfig({
      prefix: 'connect-ab.1',
      resources: ['employees'],
      jdbcUrl: 'jdbc:postgresql://h/db',
      user: 'u',
      password: 'p',
      registryUrl: 'http://h:1/apis/ccompat/v7',
    })
    const route = (topic: string) =>
      topic.replace(
        new RegExp(`^${config['transforms.table.regex'] as string}$`),
        (config['transforms.table.replacement'] as string).replace('$1', '$$1'),
      )
    expect(route('connect-ab.1.employees')).toBe(sinkTable('connect-ab.1', 'employees'))
    expect(sinkTable('connect-ab.1', 'employees')).toBe('connect_ab_1_employees')
    expect(route('connect-abX1.employees')).toBe('connect-abX1.employees') // the dot is literal
  })

  it('takes Apicurio’s native API from the ccompat URL and refuses any other registry URL', () => {
    expect(apicurioApiUrl('http://r:8080/apis/ccompat/v7')).toBe('http://r:8080/apis/registry/v2')
    expect(apicurioApiUrl('http://r/x/apis/ccompat/v7/')).toBe('http://r/x/apis/registry/v2')
    expect(() => apicurioApiUrl('http://confluent:8081')).toThrow(/Apicurio/)
  })
})
