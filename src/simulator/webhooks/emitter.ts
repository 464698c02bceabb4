// Delivers webhook events like Personio: an HTTP POST per event, no redirects followed, a 2xx
// within 3 s acknowledges it. A timeout, a connection error or a 5xx other than 501 is retried:
// the first delivery and up to 6 retry attempts, each made of up to 2 fast tries, spread over up
// to 3 days: at most 14 requests, as Personio documents. Anything else (3xx, 4xx, 501) is final.
// Every request is logged in `deliveries` for tests to read.
import { request } from 'undici'
import type { Company } from '../state/company'
import { webhookEvents, type WebhookEnvelope, type WebhookEventName } from './events'

export interface WebhookOptions {
  /** the receiver; https in Personio, any URL here */
  url: string
  /** default 1 */
  companyId?: number
  /** default all six events */
  enabledEvents?: readonly WebhookEventName[]
  /** default 3000 */
  ackTimeoutMs?: number
  /**
   * delays before each of the 6 retry attempts. Personio documents only "up to 3 days"; the
   * default spreads them as 1 min, 10 min, 1 h, 6 h, 24 h, 40 h 49 min (3 days in all).
   */
  retryDelaysMs?: readonly number[]
  /** default 2 */
  fastTries?: number
}

export interface WebhookDelivery {
  event: WebhookEnvelope
  attempt: number
  try: number
  /** the HTTP status, or why there was none */
  outcome: number | 'timeout' | 'connection-error'
  delivered: boolean
}

const DEFAULT_DELAYS = [60_000, 600_000, 3_600_000, 21_600_000, 86_400_000, 146_940_000]

/** Whether Personio tries again after this outcome. */
export function retryable(outcome: WebhookDelivery['outcome']): boolean {
  return typeof outcome !== 'number' || (outcome >= 500 && outcome !== 501)
}

export class WebhookEmitter {
  readonly deliveries: WebhookDelivery[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly inFlight = new Set<Promise<void>>()
  private readonly stopWatching: () => void
  private closed = false

  constructor(
    company: Company,
    private readonly options: WebhookOptions,
  ) {
    const enabled = new Set(options.enabledEvents ?? [])
    this.stopWatching = company.watch((change) => {
      for (const event of webhookEvents(change, options.companyId ?? 1)) {
        if (enabled.size === 0 || enabled.has(event.event_name)) this.attempt(event, 1)
      }
    })
  }

  /** Resolves when nothing is being sent and no retry is waiting. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 10))])
    }
  }

  /** Stops watching and retrying; resolves once requests in flight have ended (≤ the ack timeout). */
  async close(): Promise<void> {
    this.closed = true
    this.stopWatching()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await Promise.allSettled([...this.inFlight])
  }

  private attempt(event: WebhookEnvelope, attempt: number): void {
    if (this.closed) return
    const run = this.tries(event, attempt).finally(() => this.inFlight.delete(run))
    this.inFlight.add(run)
  }

  private async tries(event: WebhookEnvelope, attempt: number): Promise<void> {
    const fastTries = this.options.fastTries ?? 2
    for (let n = 1; n <= fastTries && !this.closed; n++) {
      const outcome = await this.post(event)
      const delivered = typeof outcome === 'number' && outcome >= 200 && outcome < 300
      this.deliveries.push({ event, attempt, try: n, outcome, delivered })
      if (delivered || !retryable(outcome)) return
    }
    const delays = this.options.retryDelaysMs ?? DEFAULT_DELAYS
    const delay = delays[attempt - 1]
    if (delay === undefined || this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.attempt(event, attempt + 1)
    }, delay)
    timer.unref()
    this.timers.add(timer)
  }

  private async post(event: WebhookEnvelope): Promise<WebhookDelivery['outcome']> {
    const timeout = this.options.ackTimeoutMs ?? 3000
    try {
      const res = await request(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Personio-Webhooks (simulator)' },
        body: JSON.stringify(event),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      })
      await res.body.dump()
      return res.statusCode
    } catch (error) {
      const name = (error as { name?: string; code?: string }).name ?? ''
      const code = (error as { code?: string }).code ?? ''
      return name === 'TimeoutError' || name === 'AbortError' || code.includes('TIMEOUT')
        ? 'timeout'
        : 'connection-error'
    }
  }
}
