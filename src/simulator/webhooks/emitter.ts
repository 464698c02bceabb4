// Delivers webhook events like Personio: an HTTP POST per event, no redirects followed, a 2xx
// within 3 s acknowledges it. A timeout, a connection error or a 5xx other than 501 is retried:
// the first delivery and up to 6 retry attempts, each made of up to 2 fast tries, spread over up
// to 3 days: at most 14 requests, as Personio documents. Anything else (3xx, 4xx, 501) is final.
// Every request is logged in `deliveries` (the subscription's activity).
//
// Personio promises no order; the simulator sends to one subscription one request at a time, in
// the order deliveries were started, so a test sees one order only: the one it asked for with the
// delivery controls (controls.ts).
import { request } from 'undici'
import type { WebhookEnvelope } from './events'

export interface DeliveryTiming {
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

/** Where one delivery goes, read again before every attempt (a PATCH between retries counts). */
export interface DeliveryTarget {
  url: string
  headers: Record<string, string>
}

export interface DeliveryJob {
  subscriptionId: string
  /** the recorded event; undefined for pings and test events */
  eventId: string | undefined
  event: WebhookEnvelope
  /** undefined: the subscription is gone or disabled, so nothing more is sent */
  target: () => DeliveryTarget | undefined
  /** false: one attempt (its fast tries), no retries later (pings, test events) */
  retries: boolean
}

export interface WebhookDelivery {
  id: string
  subscriptionId: string
  eventId: string | undefined
  event: WebhookEnvelope
  attempt: number
  try: number
  /** the HTTP status, or why there was none */
  outcome: number | 'timeout' | 'connection-error'
  delivered: boolean
  /** by the simulated clock */
  completedAt: number
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
  /** per subscription, the end of its queue of attempts */
  private readonly queues = new Map<string, Promise<void>>()
  private closed = false
  private nextId = 1

  constructor(
    private readonly timing: DeliveryTiming,
    private readonly now: () => number,
  ) {}

  /** Starts a delivery; its tries and retries run on their own. */
  send(job: DeliveryJob): void {
    this.attempt(job, 1)
  }

  /** Something being sent or queued, or a retry waiting. */
  get busy(): boolean {
    return this.inFlight.size > 0 || this.timers.size > 0
  }

  /** Resolves when nothing is being sent and no retry is waiting. */
  async idle(): Promise<void> {
    while (this.busy) await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 10))])
  }

  /** Stops retrying; resolves once requests in flight have ended (≤ the ack timeout). */
  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    await Promise.allSettled([...this.inFlight])
  }

  private attempt(job: DeliveryJob, attempt: number): void {
    if (this.closed) return
    const queue = this.queues.get(job.subscriptionId) ?? Promise.resolve()
    const run: Promise<void> = queue
      .then(() => this.tries(job, attempt))
      .finally(() => {
        this.inFlight.delete(run)
        if (this.queues.get(job.subscriptionId) === run) this.queues.delete(job.subscriptionId)
      })
    this.queues.set(job.subscriptionId, run)
    this.inFlight.add(run)
  }

  private async tries(job: DeliveryJob, attempt: number): Promise<void> {
    const fastTries = this.timing.fastTries ?? 2
    for (let n = 1; n <= fastTries && !this.closed; n++) {
      const target = job.target()
      if (target === undefined) return
      const outcome = await this.post(target, job.event)
      const delivered = typeof outcome === 'number' && outcome >= 200 && outcome < 300
      this.deliveries.push({
        id: `dlv_${this.nextId++}`,
        subscriptionId: job.subscriptionId,
        eventId: job.eventId,
        event: job.event,
        attempt,
        try: n,
        outcome,
        delivered,
        completedAt: this.now(),
      })
      if (delivered || !retryable(outcome)) return
    }
    const delays = this.timing.retryDelaysMs ?? DEFAULT_DELAYS
    const delay = delays[attempt - 1]
    if (!job.retries || delay === undefined || this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.attempt(job, attempt + 1)
    }, delay)
    timer.unref()
    this.timers.add(timer)
  }

  private async post(target: DeliveryTarget, event: WebhookEnvelope): Promise<WebhookDelivery['outcome']> {
    const timeout = this.timing.ackTimeoutMs ?? 3000
    try {
      const res = await request(target.url, {
        method: 'POST',
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          'user-agent': 'Personio-Webhooks (simulator)',
        },
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
