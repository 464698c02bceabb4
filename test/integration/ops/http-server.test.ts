// The ops endpoint as Prometheus and Kubernetes see it: a real HTTP scrape of /metrics after facts
// were published on the channels, /healthz, and /readyz turning from 503 to 200 once the state is
// restored, with readiness probing the real Kafka broker and the real schema registry.
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { request } from 'undici'
import { createSchemaRegistry } from '../../../src/contract/registry'
import { publish } from '../../../src/ops/channels'
import { startOpsServer, type OpsServer } from '../../../src/ops/http-server'
import { createMetrics, metricTable, type Metrics } from '../../../src/ops/metrics'
import { createReadiness, type Readiness } from '../../../src/ops/readiness'
import { testInfra } from '../../infra/env'

async function get(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await request(url)
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() }
}

describe('ops > http server', () => {
  const { brokers, registryUrl } = testInfra()
  let admin: Admin
  let metrics: Metrics
  let readiness: Readiness
  let server: OpsServer

  beforeAll(async () => {
    admin = new Kafka({ brokers, clientId: 'ops-test', logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const registry = createSchemaRegistry({ url: registryUrl })
    metrics = createMetrics({ processMetrics: true })
    readiness = createReadiness({
      probes: {
        kafka: () => admin.listTopics(),
        registry: () => registry.latest('personio-kafka-readyz'),
      },
    })
    server = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      readiness: readiness.check,
    })
  })

  afterAll(async () => {
    await server.close()
    readiness.close()
    metrics.close()
    await admin.disconnect()
  })

  it('serves /healthz as soon as it listens', async () => {
    const res = await get(`${server.url}/healthz`)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.text)).toEqual({ status: 'alive' })
  })

  it('answers /readyz 503 with the reason until the state is restored, then 200', async () => {
    const before = await get(`${server.url}/readyz`)
    expect(before.status).toBe(503)
    expect(JSON.parse(before.text)).toEqual({ status: 'not ready', reasons: ['state not restored yet'] })
    publish('personio-kafka:state:restored', { resources: ['employees'] })
    const after = await get(`${server.url}/readyz`)
    expect({ status: after.status, body: JSON.parse(after.text) }).toEqual({
      status: 200,
      body: { status: 'ready' },
    })
  })

  it('answers /readyz 503 naming the registry when the registry cannot be reached', async () => {
    const dead = createReadiness({
      requireState: false,
      probes: {
        registry: () => createSchemaRegistry({ url: 'http://127.0.0.1:9/apis/ccompat/v7' }).latest('x'),
      },
    })
    const other = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      readiness: dead.check,
    })
    const res = await get(`${other.url}/readyz`)
    await other.close()
    dead.close()
    expect(res.status).toBe(503)
    expect((JSON.parse(res.text) as { reasons: string[] }).reasons).toEqual([
      expect.stringMatching(
        /^registry unreachable: Schema registry at http:\/\/127\.0\.0\.1:9.* is unreachable/,
      ),
    ])
  })

  it('serves every declared metric on /metrics in the Prometheus text format, with published samples', async () => {
    publish('personio-kafka:capture:events', { resource: 'employees', op: 'r', count: 1000 })
    publish('personio-kafka:personio:request', {
      endpoint: '/v1/company/employees',
      status: 429,
      durationMs: 80,
      retry: false,
    })
    publish('personio-kafka:kafka:transaction', {
      resource: 'employees',
      outcome: 'committed',
      records: 100,
      durationMs: 40,
    })
    const res = await get(`${server.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/)
    const lines = res.text.split('\n')
    for (const m of metricTable) expect(lines).toContain(`# TYPE ${m.name} ${m.kind}`)
    expect(lines).toContain('personio_kafka_events_total{resource="employees",op="r"} 1000')
    expect(lines).toContain('personio_kafka_personio_rate_limited_total{endpoint="/v1/company/employees"} 1')
    expect(lines).toContain('personio_kafka_transactions_total{resource="employees",outcome="committed"} 1')
    expect(lines.some((l) => l.startsWith('nodejs_heap_size_used_bytes '))).toBe(true)
  })

  it('answers unknown paths with 404 and the routes it has', async () => {
    const res = await get(`${server.url}/nope`)
    expect(res.status).toBe(404)
    expect(JSON.parse(res.text)).toMatchObject({ routes: ['/metrics', '/healthz', '/readyz'] })
  })
})
