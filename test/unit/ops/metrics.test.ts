// What a Prometheus scrape shows after capture, personio and kafka published their facts on the
// diagnostics channels: the metrics module is the only listener, and nothing else feeds it.
import { publish } from '../../../src/ops/channels'
import { inEngine } from '../../../src/ops/engine-scope'
import { createMetrics, endpointLabel, metricTable, type Metrics } from '../../../src/ops/metrics'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('ops > metrics', () => {
  let metrics: Metrics
  beforeEach(() => (metrics = createMetrics()))
  afterEach(() => metrics.close())
  const scrape = () => metrics.registry.metrics()

  it('counts events by resource and op, and dead letters by stage', async () => {
    publish('personio-kafka:capture:events', { resource: 'employees', op: 'r', count: 100 })
    publish('personio-kafka:capture:events', { resource: 'employees', op: 'r', count: 20 })
    publish('personio-kafka:capture:events', { resource: 'absences', op: 'u', count: 3 })
    publish('personio-kafka:capture:dead-letter', { resource: 'employees', stage: 'map', count: 2 })
    const text = await scrape()
    expect(text.split('\n')).toContain('personio_kafka_events_total{resource="employees",op="r"} 120')
    expect(text.split('\n')).toContain('personio_kafka_events_total{resource="absences",op="u"} 3')
    expect(text.split('\n')).toContain(
      'personio_kafka_dead_letters_total{resource="employees",stage="map"} 2',
    )
  })

  it('counts Personio requests by endpoint template and status, 429s and retries apart', async () => {
    const req = (endpoint: string, status: number, retry = false) =>
      publish('personio-kafka:personio:request', { endpoint, status, durationMs: 120, retry })
    req('/v1/company/employees', 200)
    req('/v1/company/employees', 429)
    req('/v1/company/employees', 200, true)
    req('/v1/company/employees/4711/absences/balance', 200)
    req('/v1/company/employees/4712/absences/balance', 0, true)
    const text = await scrape()
    expect(text.split('\n')).toContain(
      'personio_kafka_personio_requests_total{endpoint="/v1/company/employees",status="200"} 2',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_personio_requests_total{endpoint="/v1/company/employees",status="429"} 1',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_personio_requests_total{endpoint="/v1/company/employees/{id}/absences/balance",status="200"} 1',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_personio_rate_limited_total{endpoint="/v1/company/employees"} 1',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_personio_retries_total{endpoint="/v1/company/employees"} 1',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_personio_retries_total{endpoint="/v1/company/employees/{id}/absences/balance"} 1',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_personio_request_duration_seconds_count{endpoint="/v1/company/employees"} 3',
    )
  })

  it('sums rate-limiter waits in seconds per family', async () => {
    publish('personio-kafka:personio:rate-limit-wait', { family: 'employees', waitMs: 1500 })
    publish('personio-kafka:personio:rate-limit-wait', { family: 'employees', waitMs: 500 })
    expect((await scrape()).split('\n')).toContain(
      'personio_kafka_rate_limit_wait_seconds_total{family="employees"} 2',
    )
  })

  it('shows the pace kept per family, and counts its back-offs', async () => {
    publish('personio-kafka:personio:rate-limit', { family: 'balances', perSecond: 5, why: 'start' })
    publish('personio-kafka:personio:rate-limit', { family: 'balances', perSecond: 4, why: 'back-off' })
    publish('personio-kafka:personio:rate-limit', { family: 'balances', perSecond: 4.5, why: 'rise' })
    const text = (await scrape()).split('\n')
    expect(text).toContain('personio_kafka_rate_limit_per_second{family="balances"} 4.5')
    expect(text).toContain('personio_kafka_rate_limit_backoffs_total{family="balances"} 1')
  })

  it('shows a running snapshot, then its duration and outcome', async () => {
    const cycle = { resource: 'employees', cycleId: 'c1', kind: 'snapshot' as const }
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'start' })
    expect((await scrape()).split('\n')).toContain('personio_kafka_snapshot_running{resource="employees"} 1')
    publish('personio-kafka:capture:cycle', { ...cycle, phase: 'end', durationMs: 42_000 })
    const text = await scrape()
    expect(text.split('\n')).toContain('personio_kafka_snapshot_running{resource="employees"} 0')
    expect(text.split('\n')).toContain(
      'personio_kafka_cycles_total{resource="employees",kind="snapshot",outcome="ok"} 1',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_cycle_duration_seconds_sum{resource="employees",kind="snapshot"} 42',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_cycle_duration_seconds_bucket{le="60",resource="employees",kind="snapshot"} 1',
    )
  })

  it('reports cursor lag, transactions by outcome and state restoration', async () => {
    expect((await scrape()).split('\n')).toContain('personio_kafka_state_restored 0')
    publish('personio-kafka:capture:cursor', { resource: 'absences', changedAtMs: 1, lagSeconds: 75 })
    publish('personio-kafka:kafka:transaction', {
      resource: 'absences',
      outcome: 'committed',
      records: 7,
      durationMs: 30,
    })
    publish('personio-kafka:kafka:transaction', {
      resource: 'absences',
      outcome: 'aborted',
      records: 3,
      durationMs: 30,
    })
    publish('personio-kafka:state:restored', { resources: ['absences'] })
    const text = await scrape()
    expect(text.split('\n')).toContain('personio_kafka_cursor_lag_seconds{resource="absences"} 75')
    expect(text.split('\n')).toContain(
      'personio_kafka_transactions_total{resource="absences",outcome="committed"} 1',
    )
    expect(text.split('\n')).toContain(
      'personio_kafka_transactions_total{resource="absences",outcome="aborted"} 1',
    )
    expect(text.split('\n')).toContain('personio_kafka_transaction_records_total{resource="absences"} 7')
    expect(text.split('\n')).toContain('personio_kafka_state_restored 1')
  })

  it('shows whether each resource runs, and when it last failed by error code', async () => {
    const gaugeValues = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)?.get())?.values.map((v) => ({
        labels: v.labels,
        value: v.value,
      }))
    publish('personio-kafka:capture:health', {
      resource: 'employees',
      running: false,
      error: { code: 'PK_AUTH', message: 'refused', atMs: 1_777_000_000_400 },
    })
    publish('personio-kafka:capture:health', { resource: 'absences', running: true })
    expect(await gaugeValues('personio_kafka_resource_running')).toEqual([
      { labels: { resource: 'employees' }, value: 0 },
      { labels: { resource: 'absences' }, value: 1 },
    ])
    expect(await gaugeValues('personio_kafka_last_error_timestamp_seconds')).toEqual([
      { labels: { resource: 'employees', code: 'PK_AUTH' }, value: 1_777_000_000 },
    ])
    // a failed cycle that is retried: running, with its error's time
    publish('personio-kafka:capture:health', {
      resource: 'employees',
      running: true,
      error: { code: 'PK_PERSONIO_HTTP', message: 'Personio said 503', atMs: 1_777_000_060_000 },
    })
    const text = (await scrape()).split('\n')
    expect(text).toContain('personio_kafka_resource_running{resource="employees"} 1')
    expect(text).toContain(
      'personio_kafka_last_error_timestamp_seconds{resource="employees",code="PK_PERSONIO_HTTP"} 1777000060',
    )
    expect(text).toContain(
      'personio_kafka_last_error_timestamp_seconds{resource="employees",code="PK_AUTH"} 1777000000',
    )
  })

  it('stops listening once closed, and two instances never share a registry', async () => {
    const other = createMetrics()
    metrics.close()
    publish('personio-kafka:capture:events', { resource: 'projects', op: 'c', count: 5 })
    expect(await scrape()).not.toContain('resource="projects"')
    expect((await other.registry.metrics()).split('\n')).toContain(
      'personio_kafka_events_total{resource="projects",op="c"} 5',
    )
    other.close()
  })

  it("shows the webhook inbox backlog: events, records, and the oldest one's age when scraped", async () => {
    const oldestMs = Date.now() - 90_000
    publish('personio-kafka:webhooks:backlog', {
      resource: 'employees',
      events: 3000,
      entities: 500,
      oldestMs,
    })
    const text = (await scrape()).split('\n')
    expect(text).toContain('personio_kafka_webhook_backlog_events{resource="employees"} 3000')
    expect(text).toContain('personio_kafka_webhook_backlog_entities{resource="employees"} 500')
    const age = text.find((l) =>
      l.startsWith('personio_kafka_webhook_backlog_oldest_seconds{resource="employees"}'),
    )
    expect(Number(age?.split(' ')[1])).toBeGreaterThanOrEqual(90)
    publish('personio-kafka:webhooks:backlog', { resource: 'employees', events: 0, entities: 0 })
    expect((await scrape()).split('\n')).toContain(
      'personio_kafka_webhook_backlog_oldest_seconds{resource="employees"} 0',
    )
  })

  it('keeps two engines in one process apart on every series, the default one unlabelled', async () => {
    // two companies capture resources of the same names at once, their awaits interleaved
    const capture = (engine: string, count: number, lag: number) =>
      inEngine(engine, async () => {
        publish('personio-kafka:capture:cycle', {
          resource: 'employees',
          cycleId: engine,
          kind: 'snapshot',
          phase: 'start',
        })
        await sleep(engine === 'acme' ? 3 : 1)
        publish('personio-kafka:capture:events', { resource: 'employees', op: 'r', count })
        publish('personio-kafka:personio:request', {
          endpoint: '/v1/company/employees',
          status: 200,
          durationMs: 5,
          retry: false,
        })
        await sleep(engine === 'acme' ? 1 : 3)
        publish('personio-kafka:capture:cursor', { resource: 'employees', lagSeconds: lag })
        publish('personio-kafka:capture:health', { resource: 'employees', running: engine !== 'acme' })
        publish('personio-kafka:webhooks:backlog', {
          resource: 'employees',
          events: count,
          entities: 1,
          oldestMs: Date.now() - lag * 1000,
        })
        publish('personio-kafka:state:restored', { resources: ['employees'] })
      })
    await Promise.all([capture('acme', 10, 30), capture('globex', 20, 60)])
    publish('personio-kafka:capture:events', { resource: 'employees', op: 'r', count: 5 })
    const text = (await scrape()).split('\n')
    expect(text).toEqual(
      expect.arrayContaining([
        'personio_kafka_events_total{company="acme",resource="employees",op="r"} 10',
        'personio_kafka_events_total{company="globex",resource="employees",op="r"} 20',
        'personio_kafka_events_total{resource="employees",op="r"} 5',
        'personio_kafka_snapshot_running{company="acme",resource="employees"} 1',
        'personio_kafka_personio_requests_total{company="acme",endpoint="/v1/company/employees",status="200"} 1',
        'personio_kafka_personio_requests_total{company="globex",endpoint="/v1/company/employees",status="200"} 1',
        'personio_kafka_cursor_lag_seconds{company="acme",resource="employees"} 30',
        'personio_kafka_cursor_lag_seconds{company="globex",resource="employees"} 60',
        'personio_kafka_resource_running{company="acme",resource="employees"} 0',
        'personio_kafka_resource_running{company="globex",resource="employees"} 1',
        'personio_kafka_webhook_backlog_events{company="acme",resource="employees"} 10',
        'personio_kafka_webhook_backlog_events{company="globex",resource="employees"} 20',
        'personio_kafka_state_restored{company="acme"} 1',
        'personio_kafka_state_restored{company="globex"} 1',
      ]),
    )
    const age = (engine: string) =>
      Number(
        text
          .find((l) => l.startsWith(`personio_kafka_webhook_backlog_oldest_seconds{company="${engine}"`))
          ?.split(' ')[1],
      )
    expect(age('acme')).toBeGreaterThanOrEqual(30)
    expect(age('acme')).toBeLessThan(60)
    expect(age('globex')).toBeGreaterThanOrEqual(60)
  })

  it("forgets every series of a company that left the worker, and keeps the others'", async () => {
    for (const company of ['acme', 'globex'])
      inEngine(company, () => {
        publish('personio-kafka:workers:company', { phase: 'running' })
        publish('personio-kafka:capture:cursor', { resource: 'employees', lagSeconds: 30 })
        publish('personio-kafka:webhooks:backlog', {
          resource: 'employees',
          events: 2,
          entities: 1,
          oldestMs: Date.now() - 30_000,
        })
        publish('personio-kafka:webhooks:applied', {
          resource: 'employees',
          entities: 1,
          events: 1,
          lagMs: 500,
        })
      })
    inEngine('acme', () => publish('personio-kafka:workers:company', { phase: 'stopped' }))
    await new Promise((r) => setImmediate(r))
    const text = (await scrape()).split('\n').filter((l) => !l.startsWith('#'))
    expect(text.filter((l) => l.includes('company="acme"'))).toEqual([])
    expect(text).toEqual(
      expect.arrayContaining([
        'personio_kafka_company_running{company="globex"} 1',
        'personio_kafka_cursor_lag_seconds{company="globex",resource="employees"} 30',
        'personio_kafka_webhook_backlog_events{company="globex",resource="employees"} 2',
        'personio_kafka_webhook_lag_seconds_count{company="globex",resource="employees"} 1',
      ]),
    )
    expect(
      text.some((l) => l.startsWith('personio_kafka_webhook_backlog_oldest_seconds{company="globex"')),
    ).toBe(true)
  })

  it('shows each engine it was told of as not restored until it is', async () => {
    const named = createMetrics({ engines: ['acme', 'globex'] })
    inEngine('globex', () => publish('personio-kafka:state:restored', { resources: [] }))
    const text = (await named.registry.metrics())
      .split('\n')
      .filter((l) => l.startsWith('personio_kafka_state_restored'))
    named.close()
    expect(text).toEqual([
      'personio_kafka_state_restored{company="acme"} 0',
      'personio_kafka_state_restored{company="globex"} 1',
    ])
  })

  it('declares every metric with help text and a personio_kafka_ name', async () => {
    const text = await scrape()
    for (const m of metricTable) {
      expect(m.name).toMatch(/^personio_kafka_[a-z_]+$/)
      expect(text.split('\n')).toContain(`# HELP ${m.name} ${m.help}`)
    }
  })

  it('keeps ids out of endpoint labels', () => {
    expect(
      endpointLabel('/v1/company/custom-reports/reports/0198a3c4-52b1-7a2e-9c1d-5f0e1a2b3c4d?page=2'),
    ).toBe('/v1/company/custom-reports/reports/{id}')
    expect(endpointLabel('/v2/attendance-periods')).toBe('/v2/attendance-periods')
    expect(endpointLabel('/v1/company/time-off-types')).toBe('/v1/company/time-off-types')
  })
})
