// Per-endpoint-family token buckets on the real wall clock (limits are about request pacing, unlike
// data timestamps, which follow the simulated clock). A limited request gets 429 WITHOUT
// Retry-After, as Personio sends it; every response of a family carries the x-ratelimit-* headers.

export interface BucketSpec {
  /** tokens per second */
  rate: number
  /** bucket size (burst) */
  burst: number
  /** after the bucket runs dry: a cool-down during which requests are refused (v1 auth: 60 s) */
  coolDownMs?: number
  /** requests per second still allowed during the cool-down (v2 auth: 1/s for 60 s); default 0 */
  coolDownRate?: number
}

export const personioLimits: Record<string, BucketSpec> = {
  // 300/min with bursts of 15/s (changelog 2024-05-06)
  employees: { rate: 5, burst: 15 },
  // 60/min, then a 60 s cool-down
  'v1-auth': { rate: 1, burst: 60, coolDownMs: 60_000 },
  // 150/min, then 1/s for 60 s
  'v2-auth': { rate: 2.5, burst: 150, coolDownMs: 60_000, coolDownRate: 1 },
  // observed ≈ 10/s on v2 periods and breakdowns, ≈ 30/s on persons
  'v2-periods': { rate: 10, burst: 10 },
  'v2-persons': { rate: 30, burst: 30 },
  v2: { rate: 10, burst: 10 },
  // undocumented for other v1 endpoints; generous
  v1: { rate: 20, burst: 40 },
}

export class RateLimiter {
  private readonly state = new Map<
    string,
    { tokens: number; at: number; coolUntil: number; lastCoolAllowed: number }
  >()
  constructor(
    private readonly specs: Record<string, BucketSpec>,
    private readonly now: () => number = Date.now,
  ) {}

  take(family: string): { allowed: boolean; headers: Record<string, string> } {
    const spec = this.specs[family]
    if (spec === undefined) return { allowed: true, headers: {} }
    const now = this.now()
    const s = this.state.get(family) ?? { tokens: spec.burst, at: now, coolUntil: 0, lastCoolAllowed: 0 }
    s.tokens = Math.min(spec.burst, s.tokens + ((now - s.at) / 1000) * spec.rate)
    s.at = now
    let allowed: boolean
    if (now < s.coolUntil) {
      // cooling down: nothing, or a trickle of coolDownRate per second
      const rate = spec.coolDownRate ?? 0
      allowed = rate > 0 && now - s.lastCoolAllowed >= 1000 / rate
      if (allowed) s.lastCoolAllowed = now
    } else {
      allowed = s.tokens >= 1
      if (allowed) s.tokens -= 1
      else if (spec.coolDownMs !== undefined) {
        // the refused request opens the cool-down; its trickle starts a second later
        s.coolUntil = now + spec.coolDownMs
        s.lastCoolAllowed = now
      }
    }
    this.state.set(family, s)
    return {
      allowed,
      headers: {
        'x-ratelimit-replenish-rate': String(spec.rate),
        'x-ratelimit-burst-capacity': String(spec.burst),
        'x-ratelimit-requested-tokens': '1',
        // while cooling down the refilled tokens are not usable: say so, or a client would burst into 429s
        'x-ratelimit-remaining': now < s.coolUntil ? '0' : String(Math.max(0, Math.floor(s.tokens))),
      },
    }
  }
}
