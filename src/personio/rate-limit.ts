// Client-side token buckets per endpoint family (rate-families.ts), so a steady run meets few 429s
// and a first sync still goes as fast as Personio allows. Where Personio sends `x-ratelimit-*`
// headers they are the truth for that family; where it does not, the family's pace is learned
// (adaptive-pace.ts) under a ceiling. Every v1 request also draws from the v1-wide bucket: this
// client's own, or, where one process serves many companies, the budget they share
// (shared-budget.ts), since Personio counts it per IP. Time and sleep are injected, so the whole of
// it runs in virtual time in tests.
import { publish } from '../ops/channels'
import {
  AdaptivePace,
  defaultPaceRule,
  type LearnedPace,
  type PaceEpoch,
  type PaceRule,
} from './adaptive-pace'
import {
  defaultCeiling,
  documentedLimits,
  endpointFamilies,
  isLearned,
  isV1,
  type BucketSpec,
  type EndpointFamily,
  type LearnedFamily,
} from './rate-families'
import type { SharedBudget } from './shared-budget'
import { throwIfStopping } from './stoppable'
import type { Timing } from './timing'

export type { Timing } from './timing'

/** The process-wide v1 budget this client draws on, as `tenant` (its engine). */
export interface V1Budget {
  budget: SharedBudget
  tenant: string
  /** the engine stops: its waits leave the shared queue at once */
  signal?: AbortSignal
}

export interface RateLimiterOptions {
  /** PERSONIO_RATE_LIMITS: starting figures in place of the documented ones; each is its family's ceiling too unless `ceilings` names it */
  limits?: Partial<Record<EndpointFamily, BucketSpec>>
  /** PERSONIO_RATE_CEILINGS: how high a learned pace may climb */
  ceilings?: Partial<Record<LearnedFamily, number>>
  rule?: PaceRule
  /** v1-wide tokens from this budget, shared with the process's other companies, instead of a bucket of our own */
  v1Budget?: V1Budget
}

/** A token handed out: what the answer to its request is reported with. */
export interface Grant {
  family: EndpointFamily
  epoch: PaceEpoch
  /** it waited for its token (rather than finding one left from a pause) */
  queued: boolean
}

interface Bucket {
  family: EndpointFamily
  spec: BucketSpec
  tokens: number
  at: number
  queue: Promise<void>
  /** learned families only */
  pace: AdaptivePace | undefined
  /** the last answer carried x-ratelimit-* figures: they rule, nothing is learned meanwhile */
  told: boolean
}

type Headers = Record<string, string | string[] | undefined>

function headerNumber(headers: Headers, name: string): number | undefined {
  const v = headers[name]
  const n = Number(Array.isArray(v) ? v[0] : v)
  return v === undefined || !Number.isFinite(n) ? undefined : n
}

export class RateLimiter {
  private readonly buckets = new Map<EndpointFamily, Bucket>()
  private readonly starts: Record<EndpointFamily, BucketSpec>
  private readonly ceilings: Record<EndpointFamily, BucketSpec | undefined>
  private readonly rule: PaceRule
  private readonly v1Budget: V1Budget | undefined

  constructor(
    private readonly timing: Timing,
    options: RateLimiterOptions = {},
  ) {
    const limits = options.limits ?? {}
    this.rule = options.rule ?? defaultPaceRule
    this.v1Budget = options.v1Budget
    const starts = { ...documentedLimits, ...limits }
    const ceilings = {} as Record<EndpointFamily, BucketSpec | undefined>
    for (const family of endpointFamilies) {
      const start = starts[family]
      if (!isLearned(family)) {
        // fixed families: a configured figure is a ceiling the headers may not raise (budget shared)
        ceilings[family] = limits[family]
        continue
      }
      const rate =
        options.ceilings?.[family] ?? limits[family]?.rate ?? defaultCeiling(family, starts['v1-global'])
      ceilings[family] = { rate, burst: Math.max(1, (rate * start.burst) / start.rate) }
      starts[family] = {
        rate: Math.min(start.rate, rate),
        burst: Math.min(start.burst, ceilings[family].burst),
      }
    }
    this.starts = starts
    this.ceilings = ceilings
  }

  private bucket(family: EndpointFamily): Bucket {
    let b = this.buckets.get(family)
    if (b === undefined) {
      const spec = this.starts[family]
      const ceiling = this.ceilings[family]
      b = {
        family,
        spec,
        tokens: spec.burst,
        at: this.timing.now(),
        queue: Promise.resolve(),
        pace:
          isLearned(family) && ceiling !== undefined
            ? new AdaptivePace(spec, ceiling.rate, this.rule)
            : undefined,
        told: false,
      }
      this.buckets.set(family, b)
      this.announce(b, 'start')
    }
    return b
  }

  private refill(b: Bucket): void {
    const now = this.timing.now()
    b.tokens = Math.min(b.spec.burst, b.tokens + ((now - b.at) / 1000) * b.spec.rate)
    b.at = now
  }

  /** The bucket follows its learned pace. */
  private paced(b: Bucket, why: 'rise' | 'back-off' | 'restored'): void {
    if (b.pace === undefined) return
    const { rate, burst } = b.pace
    if (rate === b.spec.rate && burst === b.spec.burst) return
    this.refill(b)
    b.spec = { rate, burst }
    b.tokens = Math.min(b.tokens, burst)
    this.announce(b, why)
  }

  private announce(b: Bucket, why: 'start' | 'rise' | 'back-off' | 'restored' | 'headers'): void {
    publish('personio-kafka:personio:rate-limit', { family: b.family, perSecond: b.spec.rate, why })
  }

  /** One token, callers served in order (no thundering herd); true when it had to wait for it. */
  private take(b: Bucket): Promise<boolean> {
    const turn = b.queue.then(async () => {
      for (let queued = false; ; queued = true) {
        this.refill(b)
        if (b.tokens >= 1) {
          b.tokens -= 1
          return queued
        }
        await this.timing.sleep(Math.ceil(((1 - b.tokens) / b.spec.rate) * 1000))
      }
    })
    b.queue = turn.then(
      () => undefined,
      () => undefined,
    )
    return turn
  }

  /** The v1-wide token: from the shared budget when there is one. */
  private async takeV1(): Promise<void> {
    const shared = this.v1Budget
    if (shared === undefined) {
      await this.take(this.bucket('v1-global'))
      return
    }
    try {
      await shared.budget.take(shared.tenant, shared.signal)
    } catch (error) {
      // the stop's abort: said as every other stopped wait of the client says it
      throwIfStopping(shared.signal)
      throw error
    }
  }

  /** Waits until a request of this family may go. */
  async acquire(family: EndpointFamily): Promise<Grant> {
    const asked = this.timing.now()
    const b = this.bucket(family)
    const queued = await this.take(b)
    let epoch: PaceEpoch = 0
    if (b.pace !== undefined && !b.told) {
      epoch = b.pace.granted(this.timing.now(), queued)
      this.paced(b, 'rise')
    }
    if (isV1(family)) await this.takeV1()
    // The wait includes queueing behind earlier callers: that is what the request felt.
    publish('personio-kafka:personio:rate-limit-wait', { family, waitMs: this.timing.now() - asked })
    return { family, epoch, queued }
  }

  /** Learns from Personio's answer to a granted request: its `x-ratelimit-*` headers, and a 429. */
  answered(grant: Grant, status: number, headers: Headers): void {
    const b = this.bucket(grant.family)
    const rate = headerNumber(headers, 'x-ratelimit-replenish-rate')
    const burst = headerNumber(headers, 'x-ratelimit-burst-capacity')
    const remaining = headerNumber(headers, 'x-ratelimit-remaining')
    this.refill(b)
    b.told = rate !== undefined && rate > 0 && burst !== undefined && burst > 0
    if (b.told && rate !== undefined && burst !== undefined) {
      const ceiling = this.ceilings[grant.family]
      const spec =
        ceiling === undefined
          ? { rate, burst }
          : { rate: Math.min(rate, ceiling.rate), burst: Math.min(burst, ceiling.burst) }
      const changed = spec.rate !== b.spec.rate
      b.spec = spec
      b.tokens = Math.min(b.tokens, spec.burst)
      b.pace?.follow(spec.rate, spec.burst)
      if (changed) this.announce(b, 'headers')
    }
    if (remaining !== undefined) b.tokens = Math.min(b.tokens, remaining)
    if (status !== 429) return
    // After a 429 the server's bucket is empty whatever ours says; the v1-wide one may be the
    // one that refused, and nothing in the answer tells which. Shared, it is every company's.
    b.tokens = Math.min(b.tokens, 0)
    if (isV1(grant.family) && this.v1Budget !== undefined) this.v1Budget.budget.emptied()
    else if (isV1(grant.family)) {
      const global = this.bucket('v1-global')
      this.refill(global)
      global.tokens = Math.min(global.tokens, 0)
    }
    if (!b.told && b.pace?.limited(grant.epoch, grant.queued) === true) this.paced(b, 'back-off')
  }

  /** Where a learned family starts when nothing is restored: documented or configured, under its ceiling. */
  startOf(family: LearnedFamily): LearnedPace {
    const { rate, burst } = this.starts[family]
    return { rate, burst }
  }

  /** The learned pace of every learned family in use, to keep across restarts. */
  learned(): Partial<Record<LearnedFamily, LearnedPace>> {
    const out: Partial<Record<LearnedFamily, LearnedPace>> = {}
    for (const [family, b] of this.buckets)
      if (isLearned(family) && b.pace !== undefined) out[family] = b.pace.learned()
    return out
  }

  /**
   * Starts learned families where an earlier run left them, before their first request. A figure
   * above today's ceiling (lowered since) is capped.
   */
  restore(learned: Partial<Record<LearnedFamily, LearnedPace>>): void {
    for (const [family, pace] of Object.entries(learned) as [LearnedFamily, LearnedPace][]) {
      const b = this.bucket(family)
      const ceiling = this.ceilings[family]
      if (ceiling === undefined || !(pace.rate > 0)) continue
      b.pace = new AdaptivePace(pace, ceiling.rate, this.rule)
      this.paced(b, 'restored')
    }
  }
}
