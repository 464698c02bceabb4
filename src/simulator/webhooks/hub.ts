// Personio's webhook service in one object: the subscriptions of `/v2/webhooks`, the events each
// one records (`/events`), and the deliveries (`/activity`). Every company change becomes events;
// each ENABLED subscription that enabled an event records it and gets it delivered to its URL with
// its token or custom headers, at least once, with Personio's retries. Personio promises no order;
// here deliveries go out in order unless the delivery controls (controls.ts) say otherwise.
//
// Not documented, chosen here (docs/simulator.md): a DISABLED subscription records nothing
// (`recordWhileDisabled` makes it record without delivering), so `/events` is no change feed of its
// own; events are recorded whether or not their delivery succeeds; deliveries go to the
// subscription's URL as it is at each attempt, and stop once it is deleted or disabled.
import { seededRandom, seededUuid, type Random } from '../random'
import type { Company } from '../state/company'
import { berlinDay } from '../dates'
import { dayOf } from '../time-format'
import { DeliveryControls } from './controls'
import { WebhookEmitter, type DeliveryJob, type DeliveryTiming, type WebhookDelivery } from './emitter'
import {
  effectiveDateEvents,
  webhookEventNames,
  webhookEvents,
  type WebhookEnvelope,
  type WebhookEventName,
} from './events'
import { deliveryHeaders, type Subscription, type SubscriptionFields } from './subscriptions'

export interface WebhookOptions extends DeliveryTiming {
  /** a receiver subscribed from the start: ENABLED, auth NONE, http allowed (the demo's, tests') */
  url?: string
  /** for the `url` subscription; default every event */
  enabledEvents?: readonly WebhookEventName[]
  /** the envelope's company_id; default 1 */
  companyId?: number | string
  /** accept http:// URLs through the API (Personio requires https); default false */
  allowHttp?: boolean
  /** a DISABLED subscription still records events for `/events` (undocumented); default false */
  recordWhileDisabled?: boolean
}

export interface RecordedEvent {
  id: string
  subscriptionId: string
  envelope: WebhookEnvelope
  /** occurred_at as ms */
  at: number
}

/** Personio keeps events and activity for 30 days. */
export const RETENTION_MS = 30 * 86_400_000

export class WebhookHub {
  readonly subscriptions = new Map<string, Subscription>()
  readonly recorded: RecordedEvent[] = []
  readonly controls: DeliveryControls<DeliveryJob>
  readonly allowHttp: boolean
  /** redeliveries per subscription, by the simulated clock (Personio allows 500 events an hour) */
  readonly redeliveries: { subscriptionId: string; at: number; count: number }[] = []
  private readonly emitter: WebhookEmitter
  private readonly random: Random
  private readonly companyId: string
  private readonly delayed = new Set<NodeJS.Timeout>()
  private readonly stopWatching: () => void
  private readonly ticker: NodeJS.Timeout
  private lastTick: number
  private closed = false

  constructor(
    private readonly company: Company,
    private readonly options: WebhookOptions,
    seed: number,
  ) {
    this.random = seededRandom(seed ^ 0x7eb400c5)
    this.companyId = String(options.companyId ?? 1)
    this.allowHttp = options.allowHttp === true
    this.emitter = new WebhookEmitter(options, () => company.clock.now())
    this.controls = new DeliveryControls<DeliveryJob>(seed, (jobs) => jobs.forEach((j) => this.start(j)))
    this.lastTick = company.clock.now()
    this.stopWatching = company.watch((change) => {
      this.tick()
      // no subscription, no work: benchmarks change 100,000 records with none
      if (this.subscriptions.size === 0) return
      this.dispatch(webhookEvents(change, this.companyId))
    })
    // employment.started/terminated fire when the clock passes a date; a real clock moves alone
    this.ticker = setInterval(() => this.tick(), 1000)
    this.ticker.unref()
    if (options.url !== undefined)
      this.create({
        url: options.url,
        description: 'receiver given to the simulator',
        status: 'ENABLED',
        authType: 'NONE',
        token: null,
        customHeaders: {},
        enabledEvents: [...(options.enabledEvents ?? webhookEventNames)],
      })
  }

  /** Every request made, in order (each subscription's activity). */
  get deliveries(): readonly WebhookDelivery[] {
    return this.emitter.deliveries
  }

  create(fields: SubscriptionFields): Subscription {
    const now = this.company.clock.now()
    const s: Subscription = { id: seededUuid(this.random), ...fields, createdAt: now, updatedAt: now }
    this.subscriptions.set(s.id, s)
    return s
  }

  update(id: string, fields: SubscriptionFields): Subscription | undefined {
    const current = this.subscriptions.get(id)
    if (current === undefined) return undefined
    const next = { ...current, ...fields, updatedAt: this.company.clock.now() }
    this.subscriptions.set(id, next)
    return next
  }

  remove(id: string): boolean {
    return this.subscriptions.delete(id)
  }

  /** A subscription's events of the last 30 days, oldest first. */
  eventsOf(id: string): RecordedEvent[] {
    const since = this.company.clock.now() - RETENTION_MS
    return this.recorded.filter((e) => e.subscriptionId === id && e.at >= since)
  }

  /** A subscription's delivery requests of the last 30 days, oldest first. */
  activityOf(id: string): WebhookDelivery[] {
    const since = this.company.clock.now() - RETENTION_MS
    return this.emitter.deliveries.filter((d) => d.subscriptionId === id && d.completedAt >= since)
  }

  /** Delivers recorded events again, each as a new delivery with its retries. */
  redeliver(id: string, events: readonly RecordedEvent[]): void {
    this.redeliveries.push({ subscriptionId: id, at: this.company.clock.now(), count: events.length })
    for (const e of events) this.controls.admit(id, this.job(id, e.id, e.envelope, true))
  }

  /** A ping to the subscription's URL: one attempt, no retries, no recorded event. */
  ping(id: string): WebhookEnvelope {
    const envelope: WebhookEnvelope = {
      company_id: this.companyId,
      event_name: 'ping',
      occurred_at: new Date(this.company.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      payload: {},
    }
    this.start(this.job(id, undefined, envelope, false))
    return envelope
  }

  /** A sample event with made-up ids (no record has them: fetching one answers 404). */
  testEvent(id: string, name: WebhookEventName): WebhookEnvelope {
    const sample = seededUuid(this.random)
    const envelope: WebhookEnvelope = {
      company_id: this.companyId,
      event_name: name,
      occurred_at: new Date(this.company.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      payload: name.startsWith('person.')
        ? { id: String(9_000_000 + this.random.int(0, 999_999)) }
        : name.startsWith('employment.')
          ? { id: sample, person_id: String(9_000_000 + this.random.int(0, 999_999)) }
          : { id: sample },
    }
    this.start(this.job(id, undefined, envelope, false))
    return envelope
  }

  /** Fires employment.started/terminated for effective dates the clock has passed since the last tick. */
  tick(): void {
    const now = this.company.clock.now()
    if (now <= this.lastTick) return
    const from = this.lastTick
    this.lastTick = now
    // effective dates take effect at Berlin midnight: nothing to look for until the clock passes one
    if (berlinDay(from) === berlinDay(now)) return
    if (!this.wantsAny(['employment.started', 'employment.terminated'])) return
    const [firstDay, lastDay] = [dayOf(from) - 1, dayOf(now) + 1]
    const near = (d: number | null) => d !== null && d >= firstDay && d <= lastDay
    if (!this.company.list('employees').some((e) => near(e.hireDate) || near(e.terminationDate))) return
    this.dispatch(effectiveDateEvents(this.company, from, now, this.companyId))
  }

  /** Releases deliveries held by a reorder window. */
  flush(): void {
    this.controls.flush()
  }

  /** Resolves when nothing is held, waiting, being sent or due for a retry. */
  async idle(): Promise<void> {
    this.tick()
    this.flush()
    while (this.delayed.size > 0 || this.emitter.busy || this.controls.holding) {
      await new Promise((r) => setTimeout(r, 10))
      this.flush()
    }
    await this.emitter.idle()
  }

  async close(): Promise<void> {
    this.closed = true
    this.stopWatching()
    clearInterval(this.ticker)
    this.controls.discard()
    for (const t of this.delayed) clearTimeout(t)
    this.delayed.clear()
    await this.emitter.close()
  }

  private wantsAny(names: readonly WebhookEventName[]): boolean {
    for (const s of this.subscriptions.values())
      if (
        s.enabledEvents.some((e) => names.includes(e)) &&
        (s.status === 'ENABLED' || this.options.recordWhileDisabled === true)
      )
        return true
    return false
  }

  private dispatch(envelopes: readonly WebhookEnvelope[]): void {
    if (this.closed || envelopes.length === 0) return
    for (const envelope of envelopes) {
      for (const s of this.subscriptions.values()) {
        if (!s.enabledEvents.includes(envelope.event_name as WebhookEventName)) continue
        const enabled = s.status === 'ENABLED'
        if (!enabled && this.options.recordWhileDisabled !== true) continue
        const event = {
          id: seededUuid(this.random),
          subscriptionId: s.id,
          envelope,
          at: Date.parse(envelope.occurred_at),
        }
        this.recorded.push(event)
        if (enabled) this.controls.admit(s.id, this.job(s.id, event.id, envelope, true))
      }
    }
    this.prune()
  }

  /** Drops what is past the 30 days, now and then (a long demo must not grow without bound). */
  private prune(): void {
    if (this.recorded.length % 1000 !== 0) return
    const since = this.company.clock.now() - RETENTION_MS
    let kept = 0
    for (const e of this.recorded) if (e.at >= since) this.recorded[kept++] = e
    this.recorded.length = kept
  }

  private job(
    subscriptionId: string,
    eventId: string | undefined,
    event: WebhookEnvelope,
    retries: boolean,
  ): DeliveryJob {
    return {
      subscriptionId,
      eventId,
      event,
      retries,
      target: () => {
        const s = this.subscriptions.get(subscriptionId)
        // organic deliveries stop with the subscription; pings and test events go out regardless
        if (s === undefined || (retries && s.status !== 'ENABLED')) return undefined
        return { url: s.url, headers: deliveryHeaders(s) }
      },
    }
  }

  private start(job: DeliveryJob): void {
    if (this.closed) return
    const delay = this.controls.delayMs
    if (delay === 0) {
      this.emitter.send(job)
      return
    }
    const timer = setTimeout(() => {
      this.delayed.delete(timer)
      this.emitter.send(job)
    }, delay)
    this.delayed.add(timer)
  }
}
