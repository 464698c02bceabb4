// The capture engine reports what it does on the diagnostics channels: after a real first sync
// (simulator → real Kafka and registry), a metrics scrape tells the same story as the cycle's own
// report — events, pages, committed transactions, Personio requests, a finished snapshot cycle.
import { openEngine } from '../../../src/capture/engine/engine'
import type { CycleReport } from '../../../src/capture/sources/poll/cycle'
import { loadConfig } from '../../../src/config'
import { silentLogger } from '../../../src/ops/logger'
import { createMetrics } from '../../../src/ops/metrics'
import { defaultCredential, startSimulator } from '../../../src/simulator'
import { testInfra, uniqueName } from '../../infra/env'

describe('capture > diagnostics channels', () => {
  it('publishes cycle, page, event, transaction and request facts that metrics count', async () => {
    const { brokers, registryUrl } = testInfra()
    const sim = await startSimulator({ employees: 120, rateLimits: false })
    const config = loadConfig({
      env: {
        KAFKA_BROKERS: brokers.join(','),
        SCHEMA_REGISTRY_URL: registryUrl,
        TOPIC_PREFIX: uniqueName('channels'),
        TOPIC_REPLICATION_FACTOR: '1',
        // one page per transaction, so the count below is exact
        TRANSACTION_MAX_RECORDS: '1',
      },
    })
    const metrics = createMetrics()
    const engine = await openEngine({
      config,
      logger: silentLogger,
      only: ['employees', 'document_categories'],
      personio: { baseUrl: sim.url, ...defaultCredential },
    })
    const events = await engine.syncOnce().finally(async () => {
      await engine.close()
      await sim.close()
    })
    const lines = (await metrics.registry.metrics()).split('\n')
    metrics.close()
    const employees = events.find((e) => e.resource === 'employees')
    expect(employees).toMatchObject({ kind: 'cycle', report: { published: { r: 120 }, pages: 2 } })
    const pages = (employees as { report: CycleReport }).report.pages
    expect(lines).toEqual(
      expect.arrayContaining([
        'personio_kafka_events_total{resource="employees",op="r"} 120',
        'personio_kafka_pages_total{resource="employees"} 2',
        'personio_kafka_pages_total{resource="document_categories"} 1',
        // one transaction per page, and the last one also carries the cursor
        `personio_kafka_transactions_total{resource="employees",outcome="committed"} ${pages + 1}`,
        'personio_kafka_cycles_total{resource="employees",kind="snapshot",outcome="ok"} 1',
        'personio_kafka_snapshot_running{resource="employees"} 0',
        'personio_kafka_personio_requests_total{endpoint="/v1/company/employees",status="200"} 2',
        'personio_kafka_state_restored 1',
      ]),
    )
    expect(
      lines.find((l) => l.startsWith('personio_kafka_cycle_duration_seconds_count{resource="employees"')),
    ).toBe('personio_kafka_cycle_duration_seconds_count{resource="employees",kind="snapshot"} 1')
  })
})
