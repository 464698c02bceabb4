// Per-endpoint-family token buckets on the real wall clock (limits are about request pacing, unlike
// data timestamps, which follow the simulated clock). A limited request gets 429 WITHOUT
// Retry-After, as Personio sends it; every response of a family carries the x-ratelimit-* headers,
// unless the family's limit is hidden: then the client must learn it from the 429s alone, as it
// must for Personio's undocumented ones. Every v1 request also draws from the v1-wide bucket
// (2,000/min per IP since 2024-07-08). Shares no code with the client (src/personio).

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

/** The family every v1 request draws from besides its own. */
export const V1_GLOBAL = 'v1-global'
const v1Families = new Set(['employees', 'balances', 'v1', 'v1-auth'])

export const personioLimits: Record<string, BucketSpec> = {
  // 300/min with bursts of 15/s (changelog 2024-05-06)
  employees: { rate: 5, burst: 15 },
  // per-employee balance reads: undocumented; a bucket of their own at the employees figures
  balances: { rate: 5, burst: 15 },
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
  // 2,000/min for all v1 endpoints together; over which window Personio counts is not said
  [V1_GLOBAL]: { rate: 2000 / 60, burst: 100 },
}

interface BucketState {
  tokens: number
  at: number
  coolUntil: number
  lastCoolAllowed: number
}

/** `balances=2.5/8,employees=10`: hidden limits per family; the burst defaults to the documented share. */
export function parseHiddenLimits(text: string): { limits: Record<string, BucketSpec>; problems: string[] } {
  const limits: Record<string, BucketSpec> = {}
  const problems: string[] = []
  for (const entry of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(entry)
    const family = m?.[1] ?? ''
    const known = personioLimits[family]
    const rate = Number(m?.[2])
    const burst = m?.[3] === undefined ? undefined : Number(m[3])
    if (known === undefined || !(rate > 0) || (burst !== undefined && !(burst >= 1))) {
      problems.push(
        `"${entry}" is not <family>=<requests per second>[/<burst>] with a family of ${Object.keys(personioLimits).join(', ')}`,
      )
      continue
    }
    limits[family] = { rate, burst: burst ?? Math.max(1, Math.round((rate * known.burst) / known.rate)) }
  }
  return { limits, problems }
}

/** The body of `PUT /_sim/rate-limits`: `{hidden: {balances: {rate, burst}}}` or `{hidden: "balances=2.5/8"}`. */
export function hiddenLimitsOf(value: unknown): { limits: Record<string, BucketSpec>; problems: string[] } {
  if (typeof value === 'string') return parseHiddenLimits(value)
  if (typeof value !== 'object' || value === null)
    return { limits: {}, problems: ['give {"hidden": {"<family>": {"rate": <per second>, "burst": <n>}}}'] }
  const text = Object.entries(value as Record<string, { rate?: unknown; burst?: unknown } | null>)
    .map(
      ([family, v]) => `${family}=${String(v?.rate)}${v?.burst === undefined ? '' : `/${String(v.burst)}`}`,
    )
    .join(',')
  return parseHiddenLimits(text)
}

export class RateLimiter {
  private readonly state = new Map<string, BucketState>()
  private hidden: Record<string, BucketSpec> = {}

  constructor(
    private readonly specs: Record<string, BucketSpec>,
    private readonly now: () => number = Date.now,
    hidden: Record<string, BucketSpec> = {},
  ) {
    this.hide(hidden)
  }

  /**
   * Limits the client is not told: per family, a bucket in place of the family's, answered without
   * x-ratelimit-* headers. Replaces the hidden limits set before; a family left out is told again.
   */
  hide(hidden: Record<string, BucketSpec>): void {
    this.hidden = { ...hidden }
    // a family's new bucket starts full, as a fresh gateway would
    for (const family of Object.keys(hidden)) this.state.delete(family)
  }

  hiddenLimits(): Record<string, BucketSpec> {
    return { ...this.hidden }
  }

  private refilled(family: string, spec: BucketSpec, now: number): BucketState {
    const s = this.state.get(family) ?? { tokens: spec.burst, at: now, coolUntil: 0, lastCoolAllowed: 0 }
    s.tokens = Math.min(spec.burst, s.tokens + ((now - s.at) / 1000) * spec.rate)
    s.at = now
    this.state.set(family, s)
    return s
  }

  /** Whether the family's own bucket lets a request through now (taking its token when it does). */
  private takeOwn(family: string, spec: BucketSpec, now: number): boolean {
    const s = this.refilled(family, spec, now)
    if (now < s.coolUntil) {
      // cooling down: nothing, or a trickle of coolDownRate per second
      const rate = spec.coolDownRate ?? 0
      const allowed = rate > 0 && now - s.lastCoolAllowed >= 1000 / rate
      if (allowed) s.lastCoolAllowed = now
      return allowed
    }
    if (s.tokens >= 1) {
      s.tokens -= 1
      return true
    }
    if (spec.coolDownMs !== undefined) {
      // the refused request opens the cool-down; its trickle starts a second later
      s.coolUntil = now + spec.coolDownMs
      s.lastCoolAllowed = now
    }
    return false
  }

  take(family: string): { allowed: boolean; headers: Record<string, string> } {
    const hidden = this.hidden[family]
    const spec = hidden ?? this.specs[family]
    const now = this.now()
    let allowed = spec === undefined || this.takeOwn(family, spec, now)
    const global = this.hidden[V1_GLOBAL] ?? this.specs[V1_GLOBAL]
    if (allowed && global !== undefined && v1Families.has(family)) {
      const g = this.refilled(V1_GLOBAL, global, now)
      if (g.tokens >= 1) g.tokens -= 1
      else {
        allowed = false
        // refused by all of v1 together: the family's own token was not used
        const own = this.state.get(family)
        if (own !== undefined && spec !== undefined) own.tokens = Math.min(spec.burst, own.tokens + 1)
      }
    }
    if (spec === undefined || hidden !== undefined) return { allowed, headers: {} }
    const s = this.state.get(family) as BucketState
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
