// The pace of one endpoint family when Personio does not say it (no x-ratelimit-* headers): learned
// from its answers, TCP-style. Each 429 costs its request a retry a second later (Personio sends
// no Retry-After and asks for ≥ 1 s) and stalls whatever waits on it, so the rule is built to meet
// few of them:
// - it rises only while requests queue for tokens (demand above the pace: a pace nobody uses proves
//   nothing): by 10 % a second until the first 429 (a limit twice the start is reached in ~7 s);
// - on a 429 it backs off at once to 0.8× (and the requests already in flight, which met the same
//   empty bucket, count once); a 429 to a token left from a pause halves the burst as well;
// - it remembers the height where a 429 came and climbs back to 0.9× of it at 1 % of it a second,
//   then probes on at 0.1 % a second (6 % a minute): a 429 comes only after the server's bucket is
//   drained, so the height overshoots the limit, and the tokens the server refilled while the pace
//   was under the limit are used up while it is slowly over. In the steady state that is one 429
//   a minute or so, and the time lost to it is refilled by the server's burst.
// Measured in virtual time against hidden token buckets (test/unit/personio/rate-limit.test.ts).
// Pure: time comes in as arguments.

export interface PaceRule {
  /** before any 429: rise per second of queued demand, as a share of the pace (doubles in ~7 s) */
  riseBeforeLimit: number
  /** after a 429, below `nearHeight × height`: rise per second of queued demand, as a share of that height */
  riseToHeight: number
  /** from `nearHeight × height` up (where the 429 came, and past it): the slow probe, per second, as a share of the height */
  riseNearHeight: number
  /** where the slow probe starts, as a share of the height (a 429 comes after the limit is passed: the height overshoots it) */
  nearHeight: number
  /** on a 429 the pace is multiplied by this */
  backOff: number
  /** on a 429 to a request that found a token waiting (part of a burst), the burst is multiplied by this too */
  burstBackOff: number
  /** this far above the remembered height without a 429, the limit has moved: the height is forgotten */
  forgetAbove: number
  /** never slower than this (requests/s): a pace of zero would never learn again */
  minimum: number
}

export const defaultPaceRule: PaceRule = {
  riseBeforeLimit: 0.1,
  riseToHeight: 0.01,
  riseNearHeight: 0.001,
  nearHeight: 0.9,
  backOff: 0.8,
  burstBackOff: 0.5,
  forgetAbove: 1.25,
  minimum: 0.1,
}

/** What is worth remembering across restarts (the state topic's `limits/<family>`). */
export interface LearnedPace {
  /** requests per second */
  rate: number
  /** requests that may go at once after a pause */
  burst: number
  /** the pace at which the last 429 came, when one came */
  height?: number
}

/** A grant's place in the history of back-offs: a 429 on a request sent before the last back-off is no news. */
export type PaceEpoch = number

export class AdaptivePace {
  private current: number
  /** the burst as seconds of the pace, so it grows and shrinks with it */
  private burstSeconds: number
  private height: number | undefined
  private epoch: PaceEpoch = 0
  private lastGrantAt: number | undefined

  constructor(
    learned: LearnedPace,
    private readonly ceiling: number,
    private readonly rule: PaceRule = defaultPaceRule,
  ) {
    this.current = this.bounded(learned.rate)
    this.burstSeconds = Math.max(1, learned.burst) / Math.max(learned.rate, rule.minimum)
    this.height = learned.height
  }

  get rate(): number {
    return this.current
  }

  get burst(): number {
    return Math.max(1, this.current * this.burstSeconds)
  }

  learned(): LearnedPace {
    const pace = { rate: this.current, burst: this.burst }
    return this.height === undefined ? pace : { ...pace, height: this.height }
  }

  /**
   * A request of the family goes at `now` (ms); `queued`: it had to wait for its token. The time
   * it waited since the previous grant counts as demand above the pace, and the pace rises for it.
   */
  granted(now: number, queued: boolean): PaceEpoch {
    const since = this.lastGrantAt === undefined ? 0 : now - this.lastGrantAt
    this.lastGrantAt = now
    // at most one interval of the pace: a gap longer than that was idle, not queued
    if (queued && since > 0) this.rise(Math.min(since, 1000 / this.current) / 1000)
    return this.epoch
  }

  /**
   * Personio answered 429 to a request granted in `epoch`; `queued` as when it was granted. True
   * when the pace or the burst backed off.
   */
  limited(epoch: PaceEpoch, queued: boolean): boolean {
    // requests already in flight when it backed off met the same empty bucket: one back-off for them all
    if (epoch !== this.epoch) return false
    this.epoch += 1
    if (queued) this.height = this.current
    // the token was waiting in our bucket: our burst is larger than theirs; the pace may be too
    // fast as well, but where the 429 came says nothing about the height of the limit
    else this.burstSeconds = Math.max(1 / this.current, this.burstSeconds * this.rule.burstBackOff)
    this.current = this.bounded(this.current * this.rule.backOff)
    return true
  }

  /** The server said the figures (headers): they are the truth, and there is nothing to probe. */
  follow(rate: number, burst: number): void {
    this.current = this.bounded(rate)
    this.burstSeconds = Math.max(1, burst) / this.current
    this.height = undefined
  }

  private rise(seconds: number): void {
    const r = this.rule
    const h = this.height
    const perSecond =
      h === undefined
        ? r.riseBeforeLimit * this.current
        : (this.current < h * r.nearHeight ? r.riseToHeight : r.riseNearHeight) * h
    this.current = this.bounded(this.current + perSecond * seconds)
    if (h !== undefined && this.current > h * r.forgetAbove) this.height = undefined
  }

  private bounded(rate: number): number {
    return Math.min(this.ceiling, Math.max(this.rule.minimum, rate))
  }
}
