// The snapshot path reports what it does on the diagnostics channels: after a real snapshot
// (bundled simulator → real Kafka and registry), a metrics scrape tells the same story as the
// command's own result — events, pages, committed transactions, Personio requests, and a finished
// snapshot cycle. The new capture engine must keep these publishes (see src/ops/channels.ts).
import { runSnapshot } from '../../../src/capture/run-snapshot'
import { loadConfig } from '../../../src/config'
import { silentLogger } from '../../../src/ops/logger'
import { createMetrics } from '../../../src/ops/metrics'
import { testInfra, uniqueName } from '../../infra/env'

describe('capture > snapshot > diagnostics channels', () => {
  it('publishes cycle, page, event, transaction and request facts that metrics count', async () => {
    const { brokers, registryUrl } = testInfra()
    const config = loadConfig({
      env: {
        KAFKA_BROKERS: brokers.join(','),
        SCHEMA_REGISTRY_URL: registryUrl,
        TOPIC_PREFIX: uniqueName('channels'),
        TOPIC_REPLICATION_FACTOR: '1',
      },
    })
    const metrics = createMetrics()
    const run = await runSnapshot(config, silentLogger, {
      only: ['employees', 'document_categories'],
      simulatorEmployees: 120,
    }).finally(() => metrics.close())
    const lines = (await metrics.registry.metrics()).split('\n')
    const employees = run.results.find((r) => r.resource === 'employees')
    expect(employees).toMatchObject({ published: 120, pages: 2 })
    expect(lines).toEqual(
      expect.arrayContaining([
        'personio_kafka_events_total{resource="employees",op="r"} 120',
        'personio_kafka_pages_total{resource="employees"} 2',
        'personio_kafka_pages_total{resource="document_categories"} 1',
        'personio_kafka_transactions_total{resource="employees",outcome="committed"} 2',
        'personio_kafka_transaction_records_total{resource="employees"} 120',
        'personio_kafka_cycles_total{resource="employees",kind="snapshot",outcome="ok"} 1',
        'personio_kafka_snapshot_running{resource="employees"} 0',
        'personio_kafka_personio_requests_total{endpoint="/v1/company/employees",status="200"} 2',
      ]),
    )
    expect(
      lines.find((l) => l.startsWith('personio_kafka_cycle_duration_seconds_count{resource="employees"')),
    ).toBe('personio_kafka_cycle_duration_seconds_count{resource="employees",kind="snapshot"} 1')
  })
})
