// Prometheus metrics, declared once in one table (names in Debezium's vocabulary) and fed ONLY by
// the diagnostics channels of ./channels: capture/, personio/ and kafka/ never import prom-client.
// Each call to createMetrics gets its own Registry, so tests and embedders never share the global.
// Every series carries the engine that published its facts (the `company` label, first: an engine is a company), except the
// default engine's: one company per process reads exactly as before engines had names.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { subscribe } from './channels'
import { DEFAULT_ENGINE, companyLabel, engineOf } from './engine-scope'

type Kind = 'counter' | 'gauge' | 'histogram'

export interface MetricSpec {
  name: string
  kind: Kind
  help: string
  labels: readonly string[]
  buckets?: readonly number[]
}

const P = 'personio_kafka_'

/** Every metric the service exports. The README table is generated from this list (a test checks it). */
export const metricTable = [
  {
    name: `${P}events_total`,
    kind: 'counter',
    labels: ['company', 'resource', 'op'],
    help: 'Change events published, by op: r snapshot read, c create, u update, d delete.',
  },
  {
    name: `${P}pages_total`,
    kind: 'counter',
    labels: ['company', 'resource'],
    help: 'Pages of Personio items read and committed.',
  },
  {
    name: `${P}dead_letters_total`,
    kind: 'counter',
    labels: ['company', 'resource', 'stage'],
    help: 'Items sent to the dead-letter topic, by stage (map, encode).',
  },
  {
    name: `${P}personio_requests_total`,
    kind: 'counter',
    labels: ['company', 'endpoint', 'status'],
    help: 'HTTP exchanges with Personio, by endpoint template and status (0: no answer).',
  },
  {
    name: `${P}personio_request_duration_seconds`,
    kind: 'histogram',
    labels: ['company', 'endpoint'],
    help: 'Duration of one HTTP exchange with Personio.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  {
    name: `${P}personio_rate_limited_total`,
    kind: 'counter',
    labels: ['company', 'endpoint'],
    help: 'Personio answers with status 429 (rate limited).',
  },
  {
    name: `${P}personio_retries_total`,
    kind: 'counter',
    labels: ['company', 'endpoint'],
    help: 'Retried attempts of a Personio request (the first attempt is not counted).',
  },
  {
    name: `${P}rate_limit_wait_seconds_total`,
    kind: 'counter',
    labels: ['company', 'family'],
    help: "Time spent waiting for the client-side rate limiter's token, by endpoint family.",
  },
  {
    name: `${P}rate_limit_per_second`,
    kind: 'gauge',
    labels: ['company', 'family'],
    help: 'The pace the client keeps per endpoint family (requests/s): documented or configured at start, then what the x-ratelimit-* headers say, or else learned (rises while requests queue, backs off on a 429).',
  },
  {
    name: `${P}rate_limit_backoffs_total`,
    kind: 'counter',
    labels: ['company', 'family'],
    help: 'Times a learned pace backed off on a 429, by endpoint family (429s to requests already in flight count once).',
  },
  {
    name: `${P}cycles_total`,
    kind: 'counter',
    labels: ['company', 'resource', 'kind', 'outcome'],
    help: 'Capture cycles finished, by kind (snapshot, incremental, reconcile, stage) and outcome (ok, error).',
  },
  {
    name: `${P}cycle_duration_seconds`,
    kind: 'histogram',
    labels: ['company', 'resource', 'kind'],
    help: 'Duration of a finished capture cycle.',
    buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  },
  {
    name: `${P}snapshot_running`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: '1 while a snapshot of the resource runs, else 0.',
  },
  {
    name: `${P}cursor_lag_seconds`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: 'How far capture is behind Personio: its clock at the end of the last cycle less the time changes are covered up to (Debezium ms_behind_source).',
  },
  {
    name: `${P}deletes_held`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: 'Deletes a full listing found implausibly many of (DELETE_GUARD_PERCENT), held as waves (approved ones until the next full listing publishes them; rejected ones not counted).',
  },
  {
    name: `${P}deletes_awaiting_approval`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: 'Records of held waves of deletes that wait for a person (`personio-kafka deletes approve|reject`); above 0, a wave waits.',
  },
  {
    name: `${P}records_stamped_ahead`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: "Records the last cycle read whose change timestamp lies in the future by Personio's own clock.",
  },
  {
    name: `${P}listings_shifted_total`,
    kind: 'counter',
    labels: ['company', 'resource'],
    help: 'Full listings that moved under the reader (count changed, a key twice, a page boundary off): their deletes were checked again.',
  },
  {
    name: `${P}transactions_total`,
    kind: 'counter',
    labels: ['company', 'resource', 'outcome'],
    help: 'Kafka transactions finished, by outcome (committed, aborted).',
  },
  {
    name: `${P}transaction_records_total`,
    kind: 'counter',
    labels: ['company', 'resource'],
    help: 'Records written in committed Kafka transactions (events, dead letters and cursors).',
  },
  {
    name: `${P}resource_running`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: '1 while the resource is captured (its last cycle may have failed and be retried), 0 once it stopped on an error retrying cannot heal (refused credentials, a schema the registry refuses): /readyz fails then.',
  },
  {
    name: `${P}last_error_timestamp_seconds`,
    kind: 'gauge',
    labels: ['company', 'resource', 'code'],
    help: "Unix time of the resource's last failed cycle, by error code (PK_AUTH, PK_PERSONIO_HTTP, PK_KAFKA, …); `personio-kafka status` shows its message.",
  },
  {
    name: `${P}state_restored`,
    kind: 'gauge',
    labels: ['company'],
    help: '1 once the state topic was read back and capture may start, else 0.',
  },
  {
    name: `${P}company_running`,
    kind: 'gauge',
    labels: ['company'],
    help: "With COMPANIES_DIR (a worker of a group): 1 while the company runs on this worker, 0 while it starts, stops or failed (a refused secret: `personio-kafka status --group` and this worker's /readyz say why); the series goes when the company leaves the worker.",
  },
  {
    name: `${P}company_failures_total`,
    kind: 'counter',
    labels: ['company', 'code'],
    help: 'Starts or runs of a company that failed on this worker, by error code; the company is tried again after a back-off (30 s doubling to 10 min; 2 s doubling for a failure that may pass by itself, such as a busy broker) or when its file changes.',
  },
  {
    name: `${P}companies`,
    kind: 'gauge',
    labels: ['state'],
    help: 'With COMPANIES_DIR: company files in the directory, by state: accepted (any worker may run them) or refused (malformed, a secret file unreadable, a prefix named twice; the log says why).',
  },
  {
    name: `${P}webhook_deliveries_total`,
    kind: 'counter',
    labels: ['company', 'outcome'],
    help: 'Webhook deliveries the receiver answered, by outcome: accepted (durable in the inbox), unauthorized, malformed, too-large, unavailable (503, Personio retries), ping.',
  },
  {
    name: `${P}webhook_lag_seconds`,
    kind: 'histogram',
    labels: ['company', 'resource'],
    help: "From a webhook event's occurred_at (Personio's clock) to its batch being published.",
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  },
  {
    name: `${P}webhooks_following`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: "1 while a resource follows Personio's webhooks; 0 while it is polled again because the subscription was deleted or disabled (checked at each gap fill).",
  },
  {
    name: `${P}webhook_backlog_events`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: 'Webhook events of the resource read from the inbox and not yet applied (a burst held to be read with one listing, or being applied).',
  },
  {
    name: `${P}webhook_backlog_entities`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: 'Distinct records those backlog events name (what reading them by id would cost in requests).',
  },
  {
    name: `${P}webhook_backlog_oldest_seconds`,
    kind: 'gauge',
    labels: ['company', 'resource'],
    help: "Age of the oldest backlog event at scrape time, from its occurred_at (Personio's clock); 0 when none waits.",
  },
] as const satisfies readonly MetricSpec[]

export type MetricName = (typeof metricTable)[number]['name']

/** Markdown table of every metric, for the README (a test keeps the two identical). */
export function metricsTableMarkdown(): string {
  const rows = metricTable.map(
    (m: MetricSpec) =>
      `| \`${m.name}\` | ${m.kind} | ${m.labels.map((l) => `\`${l}\``).join(', ')} | ${m.help} |`,
  )
  return ['| metric | type | labels | meaning |', '|---|---|---|---|', ...rows].join('\n')
}

/**
 * Endpoint label without ids, so the series count stays bounded: numeric segments and long
 * id-like segments (uuids, report ids) become `{id}`; the query string is never part of it.
 */
export function endpointLabel(path: string): string {
  const pathname = path.split('?')[0] ?? path
  return pathname
    .split('/')
    .map((seg) => (/^\d+$/.test(seg) || (/\d/.test(seg) && /^[0-9A-Za-z_-]{16,}$/.test(seg)) ? '{id}' : seg))
    .join('/')
}

export interface Metrics {
  registry: Registry
  /** Unsubscribes from the channels; the registry keeps its last values. */
  close(): void
}

export interface MetricsOptions {
  /** also export prom-client's process and Node.js metrics (nodejs_*, process_*) */
  processMetrics?: boolean
  /** the engines this process opens: each shows `state_restored` 0 until it restored (default: one, unnamed) */
  engines?: readonly string[]
}

type AnyMetric = Counter | Gauge | Histogram

function build(spec: MetricSpec, registry: Registry, collect?: (gauge: Gauge) => void): AnyMetric {
  const common = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] }
  switch (spec.kind) {
    case 'counter':
      return new Counter(common)
    case 'gauge':
      return collect === undefined
        ? new Gauge(common)
        : new Gauge({
            ...common,
            collect() {
              collect(this)
            },
          })
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(spec.buckets ?? [])] })
  }
}

/** The registry's metrics by name, typed by kind; what the listeners below write to. */
interface Instruments {
  counter(name: MetricName): Counter
  gauge(name: MetricName): Gauge
  histogram(name: MetricName): Histogram
}

type Off = () => void

// The labels every series of one fact shares: its engine (none for the default one), its resource.
const of = (e: { engine?: string; resource: string }) => ({ ...companyLabel(e.engine), resource: e.resource })

function personioListeners({ counter, gauge, histogram }: Instruments): Off[] {
  return [
    subscribe('personio-kafka:personio:request', (e) => {
      const endpoint = { ...companyLabel(e.engine), endpoint: endpointLabel(e.endpoint) }
      counter(`${P}personio_requests_total`).inc({ ...endpoint, status: String(e.status) })
      histogram(`${P}personio_request_duration_seconds`).observe(endpoint, e.durationMs / 1000)
      if (e.status === 429) counter(`${P}personio_rate_limited_total`).inc(endpoint)
      if (e.retry) counter(`${P}personio_retries_total`).inc(endpoint)
    }),
    subscribe('personio-kafka:personio:rate-limit-wait', (e) =>
      counter(`${P}rate_limit_wait_seconds_total`).inc(
        { ...companyLabel(e.engine), family: e.family },
        e.waitMs / 1000,
      ),
    ),
    subscribe('personio-kafka:personio:rate-limit', (e) => {
      const family = { ...companyLabel(e.engine), family: e.family }
      gauge(`${P}rate_limit_per_second`).set(family, e.perSecond)
      if (e.why === 'back-off') counter(`${P}rate_limit_backoffs_total`).inc(family)
    }),
  ]
}

function cycleListeners({ counter, gauge, histogram }: Instruments): Off[] {
  return [
    subscribe('personio-kafka:capture:events', (e) =>
      counter(`${P}events_total`).inc({ ...of(e), op: e.op }, e.count),
    ),
    subscribe('personio-kafka:capture:page', (e) => counter(`${P}pages_total`).inc(of(e))),
    subscribe('personio-kafka:capture:dead-letter', (e) =>
      counter(`${P}dead_letters_total`).inc({ ...of(e), stage: e.stage }, e.count),
    ),
    subscribe('personio-kafka:capture:cycle', (e) => {
      if (e.kind === 'snapshot') gauge(`${P}snapshot_running`).set(of(e), e.phase === 'start' ? 1 : 0)
      if (e.phase === 'start') return
      const outcome = e.phase === 'end' ? 'ok' : 'error'
      counter(`${P}cycles_total`).inc({ ...of(e), kind: e.kind, outcome })
      if (e.durationMs !== undefined)
        histogram(`${P}cycle_duration_seconds`).observe({ ...of(e), kind: e.kind }, e.durationMs / 1000)
    }),
    subscribe('personio-kafka:capture:cursor', (e) => {
      if (e.lagSeconds !== undefined) gauge(`${P}cursor_lag_seconds`).set(of(e), e.lagSeconds)
    }),
    subscribe('personio-kafka:capture:guard', (e) => {
      gauge(`${P}deletes_held`).set(of(e), e.deletesHeld)
      gauge(`${P}deletes_awaiting_approval`).set(of(e), e.deletesAwaitingApproval)
      gauge(`${P}records_stamped_ahead`).set(of(e), e.stampedAhead)
      if (e.shifted) counter(`${P}listings_shifted_total`).inc(of(e))
    }),
    subscribe('personio-kafka:kafka:transaction', (e) => {
      counter(`${P}transactions_total`).inc({ ...of(e), outcome: e.outcome })
      if (e.outcome === 'committed') counter(`${P}transaction_records_total`).inc(of(e), e.records)
    }),
  ]
}

function engineListeners({ gauge }: Instruments): Off[] {
  return [
    subscribe('personio-kafka:capture:health', (e) => {
      gauge(`${P}resource_running`).set(of(e), e.running ? 1 : 0)
      if (e.error !== undefined)
        gauge(`${P}last_error_timestamp_seconds`).set(
          { ...of(e), code: e.error.code },
          Math.round(e.error.atMs / 1000),
        )
    }),
    subscribe('personio-kafka:state:restored', (e) =>
      gauge(`${P}state_restored`).set(companyLabel(e.engine), 1),
    ),
  ]
}

/** An age grows between events, so it is computed when scraped, from the oldest event per series. */
type Oldest = Map<string, { labels: ReturnType<typeof of>; atMs: number }>

/**
 * Every series of a company that left this worker: its lag, its running resources, its backlog
 * ages would otherwise stay frozen here (or grow) while another worker reports the same company.
 */
async function forgetCompany(metrics: Iterable<AnyMetric>, company: string, oldest: Oldest): Promise<void> {
  for (const [key, entry] of oldest) if (entry.labels.company === company) oldest.delete(key)
  for (const metric of metrics) {
    const seen = new Set<string>()
    for (const { labels } of (await metric.get()).values) {
      if (labels.company !== company) continue
      // a histogram's buckets carry `le`: the series is the labels without it
      const { le: _bucket, ...series } = labels
      const key = JSON.stringify(series)
      if (seen.has(key)) continue
      seen.add(key)
      metric.remove(series)
    }
  }
}

/** A worker's companies (issue #28): which run here, which failed, what the directory holds. */
function workerListeners({ counter, gauge }: Instruments, forget: (company: string) => void): Off[] {
  return [
    subscribe('personio-kafka:workers:company', (e) => {
      const company = companyLabel(e.engine)
      if (e.phase === 'stopped') {
        if (company.company !== undefined) forget(company.company)
      } else gauge(`${P}company_running`).set(company, e.phase === 'running' ? 1 : 0)
      if (e.phase === 'failed')
        counter(`${P}company_failures_total`).inc({ ...company, code: e.error?.code ?? 'INTERNAL' })
    }),
    subscribe('personio-kafka:workers:directory', (e) => {
      gauge(`${P}companies`).set({ state: 'accepted' }, e.companies)
      gauge(`${P}companies`).set({ state: 'refused' }, e.refused)
    }),
  ]
}

function webhookListeners({ counter, gauge, histogram }: Instruments, oldest: Oldest): Off[] {
  return [
    subscribe('personio-kafka:webhooks:delivery', (e) =>
      counter(`${P}webhook_deliveries_total`).inc({ ...companyLabel(e.engine), outcome: e.outcome }),
    ),
    subscribe('personio-kafka:webhooks:applied', (e) => {
      if (e.lagMs !== undefined && e.entities > 0)
        histogram(`${P}webhook_lag_seconds`).observe(of(e), Math.max(0, e.lagMs) / 1000)
    }),
    subscribe('personio-kafka:webhooks:following', (e) =>
      gauge(`${P}webhooks_following`).set(of(e), e.following ? 1 : 0),
    ),
    subscribe('personio-kafka:webhooks:backlog', (e) => {
      gauge(`${P}webhook_backlog_events`).set(of(e), e.events)
      gauge(`${P}webhook_backlog_entities`).set(of(e), e.entities)
      const key = JSON.stringify([engineOf(e), e.resource])
      if (e.oldestMs === undefined) {
        oldest.delete(key)
        gauge(`${P}webhook_backlog_oldest_seconds`).set(of(e), 0)
      } else oldest.set(key, { labels: of(e), atMs: e.oldestMs })
    }),
  ]
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry()
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry })
  const oldest: Oldest = new Map()
  const ages = (g: Gauge) => {
    for (const { labels, atMs } of oldest.values()) g.set(labels, Math.max(0, (Date.now() - atMs) / 1000))
  }
  const m = new Map<string, AnyMetric>(
    metricTable.map((s) => [
      s.name,
      build(s, registry, s.name === `${P}webhook_backlog_oldest_seconds` ? ages : undefined),
    ]),
  )
  const instruments: Instruments = {
    counter: (name) => m.get(name) as Counter,
    gauge: (name) => m.get(name) as Gauge,
    histogram: (name) => m.get(name) as Histogram,
  }
  const offs = [
    ...personioListeners(instruments),
    ...cycleListeners(instruments),
    ...engineListeners(instruments),
    ...webhookListeners(instruments, oldest),
    ...workerListeners(instruments, (company) => void forgetCompany(m.values(), company, oldest)),
  ]
  for (const engine of options.engines ?? [DEFAULT_ENGINE])
    instruments.gauge(`${P}state_restored`).set(companyLabel(engine), 0)
  return {
    registry,
    close: () => offs.forEach((off) => off()),
  }
}
