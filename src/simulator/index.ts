// startSimulator: a local HTTP server that behaves like Personio (v1 and v2, quirks included),
// serving a deterministic generated company that tests mutate in-process or over /_sim/.
import type { AddressInfo } from 'node:net'
import { PkError } from '../errors'
import { simClock } from './clock'
import { TokenStore, type Credential } from './http/auth'
import { FaultInjector } from './http/faults'
import { personioLimits, RateLimiter, type BucketSpec } from './http/rate-limit'
export { personioLimits, type BucketSpec } from './http/rate-limit'
import { createSimulatorServer, type RequestLogEntry } from './http/server'
import { Company } from './state/company'
import { WebhookHub, type WebhookOptions } from './webhooks/hub'

export type { RequestLogEntry }
export type SimulatorCredential = Credential
export { Company } from './state/company'
export { FaultInjector, type FaultSpec } from './http/faults'
export type { WebhookDelivery } from './webhooks/emitter'
export { WebhookHub, type WebhookOptions, type RecordedEvent } from './webhooks/hub'
export type { DeliveryControlSpec } from './webhooks/controls'
export { webhookEventNames, type WebhookEnvelope, type WebhookEventName } from './webhooks/events'

export interface SimulatorOptions {
  /** default 1; same seed + sizes ⇒ same company */
  seed?: number
  /** default 10 */
  employees?: number
  /** daily time-offs per employee, default 2 */
  absencesPerEmployee?: number
  /** hourly absence periods per employee, default 1 */
  absencePeriodsPerEmployee?: number
  /** v2 attendance periods per employee, default 3 */
  attendancesPerEmployee?: number
  /** custom reports, default 2 */
  reports?: number
  /** dynamic_<n> employee attributes, default 3 */
  customAttributes?: number
  /** default [{clientId:'sim-client', clientSecret:'sim-secret'}] */
  credentials?: SimulatorCredential[]
  /**
   * simulated clock start, and the instant the generated company is stamped around; default: the
   * wall clock at start, as Personio's is. A test that compares with fixed dates pins it (e.g.
   * '2026-01-15T09:00:00Z'). Moves only when advanced, unless realClock.
   */
  now?: string
  realClock?: boolean
  /** default 86400 */
  tokenTtlSeconds?: number
  /** one-time tokens rotated through the Authorization response header (pre-2023 behaviour) */
  legacyRotatingTokens?: boolean
  /** default true: Personio's per-endpoint limits; or your own buckets per family */
  rateLimits?: boolean | Record<string, BucketSpec>
  /**
   * limits per family the client is not told: these buckets replace the family's, and its answers
   * carry no x-ratelimit-* headers (as for Personio's undocumented limits), e.g.
   * `{balances: {rate: 2.5, burst: 8}}`; also `PUT /_sim/rate-limits` while running
   */
  hiddenLimits?: Record<string, BucketSpec>
  /** send Retry-After on 429 (Personio does not); default false */
  retryAfterOn429?: boolean
  /**
   * 403 for credentials in the /v1/auth query string, as Personio answers since 2026-12-04 (default
   * true); false accepts them, as Personio did before
   */
  forbidQueryCredentials?: boolean
  /** v2 next hrefs absolute (default) or relative */
  absoluteNextLinks?: boolean
  /** largest employees page: 100 since 2025-01-31 (default), 200 before */
  employeesMaxLimit?: 100 | 200
  /**
   * how naive v1 filter values (`updated_since=2026-01-15T09:00:00`, `updated_from=2026-01-15`) are
   * read: Personio does not document it (../shared/personio-api.md §5); default Europe/Berlin
   */
  naiveFilterZone?: 'Europe/Berlin' | 'UTC'
  /**
   * Personio's webhooks: subscriptions through `/v2/webhooks` (https only unless `allowHttp`), a
   * receiver subscribed from the start (`url`), delivery timing, and whether a disabled
   * subscription records events
   */
  webhooks?: WebhookOptions
  host?: string
  /** default 0: an ephemeral port */
  port?: number
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:38211; v1 under `${url}/v1`, v2 under `${url}/v2` */
  url: string
  company: Company
  faults: FaultInjector
  log: RequestLogEntry[]
  /** subscriptions, recorded events, deliveries and delivery controls */
  webhooks: WebhookHub
  /** false when started with `rateLimits: false` and no hidden limits: it answers as fast as it is asked */
  rateLimited: boolean
  /** replaces the hidden limits (see `hiddenLimits`); a family left out is limited and told as before */
  hideLimits(hidden: Record<string, BucketSpec>): void
  credentials: SimulatorCredential[]
  counters(): Record<string, number>
  close(): Promise<void>
}

export const defaultCredential: SimulatorCredential = { clientId: 'sim-client', clientSecret: 'sim-secret' }

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  // whole seconds, as Personio states its clock and stamps its changes
  const start = options.now === undefined ? Math.floor(Date.now() / 1000) * 1000 : Date.parse(options.now)
  const clock = simClock(start, options.realClock === true)
  const company = new Company(
    {
      seed: options.seed ?? 1,
      employees: options.employees ?? 10,
      absencesPerEmployee: options.absencesPerEmployee ?? 2,
      absencePeriodsPerEmployee: options.absencePeriodsPerEmployee ?? 1,
      attendancesPerEmployee: options.attendancesPerEmployee ?? 3,
      reports: options.reports ?? 2,
      customAttributes: options.customAttributes ?? 3,
    },
    clock,
  )
  const credentials = (options.credentials ?? [defaultCredential]).map((c) => ({ ...c }))
  const tokens = new TokenStore(
    credentials,
    clock,
    options.tokenTtlSeconds ?? 86_400,
    options.legacyRotatingTokens === true,
  )
  const limits = options.rateLimits ?? true
  const hidden = options.hiddenLimits ?? {}
  const limiter = new RateLimiter(
    limits === false ? {} : limits === true ? personioLimits : limits,
    Date.now,
    hidden,
  )
  const faults = new FaultInjector(options.seed ?? 1)
  const log: RequestLogEntry[] = []
  const counts = new Map<string, number>()
  const webhooks = new WebhookHub(company, options.webhooks ?? {}, options.seed ?? 1)
  const server = createSimulatorServer({
    company,
    tokens,
    credentials,
    limiter,
    faults,
    absoluteNextLinks: options.absoluteNextLinks ?? true,
    employeesMaxLimit: options.employeesMaxLimit ?? 100,
    naiveZone: options.naiveFilterZone ?? 'Europe/Berlin',
    forbidQueryCredentials: options.forbidQueryCredentials !== false,
    retryAfterOn429: options.retryAfterOn429 === true,
    log,
    counts,
    webhooks,
  })
  const [host, port] = [options.host ?? '127.0.0.1', options.port ?? 0]
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new PkError(
              'PK_SIMULATOR',
              `the simulator cannot listen on ${host}:${port} (${error.code === 'EADDRINUSE' ? 'the port is in use' : 'not allowed'}); pick another with --port, or --port 0 for a free one`,
            )
          : error,
      ),
    )
    server.listen(port, host, resolve)
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${address.address}:${address.port}`,
    company,
    faults,
    log,
    webhooks,
    rateLimited: limits !== false || Object.keys(hidden).length > 0,
    hideLimits: (next) => limiter.hide(next),
    credentials,
    counters: () => Object.fromEntries(counts),
    close: async () => {
      await webhooks.close()
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    },
  }
}
