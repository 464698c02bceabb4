// Client-side token buckets per endpoint family, so a steady run never meets a 429. Defaults come
// from Personio's documentation; `x-ratelimit-*` response headers (v2 gateway) override them and
// pull the local bucket down to what the server says remains. Time and sleep are injected.
import { publish } from '../ops/channels'

export type EndpointFamily = 'employees' | 'v1-auth' | 'v2-auth' | 'v2-periods' | 'v2-persons' | 'v2' | 'v1'

export interface BucketSpec {
  /** tokens per second */
  rate: number
  /** bucket size */
  burst: number
}

export const documentedLimits: Record<EndpointFamily, BucketSpec> = {
  employees: { rate: 5, burst: 15 }, // 300/min, bursts of 15/s (2024-05-06)
  'v1-auth': { rate: 1, burst: 60 }, // 60/min
  'v2-auth': { rate: 2.5, burst: 150 }, // 150/min
  'v2-periods': { rate: 10, burst: 10 }, // observed ≈ 10/s
  'v2-persons': { rate: 30, burst: 30 }, // observed ≈ 30/s on /v2/persons (employments too)
  v2: { rate: 10, burst: 10 },
  v1: { rate: 20, burst: 40 }, // undocumented; the gateway headers correct it when present
}

const families = Object.keys(documentedLimits) as EndpointFamily[]

/** PERSONIO_RATE_LIMITS (`employees=3,v2=8/16`): figures that replace the documented ones, or the
 * entries that are not understood, each said with what was expected. The burst, when left out,
 * keeps the documented burst's share of the rate (employees: 3 seconds' worth). */
export function parseRateLimits(text: string): {
  limits: Partial<Record<EndpointFamily, BucketSpec>>
  problems: string[]
} {
  const limits: Partial<Record<EndpointFamily, BucketSpec>> = {}
  const problems: string[] = []
  for (const entry of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(entry)
    const family = m?.[1] as EndpointFamily | undefined
    const rate = Number(m?.[2])
    const burstGiven = m?.[3] === undefined ? undefined : Number(m[3])
    if (
      m === null ||
      family === undefined ||
      !families.includes(family) ||
      !(rate > 0 && rate <= 1000) ||
      burstGiven === 0
    ) {
      problems.push(
        `PERSONIO_RATE_LIMITS (personio.rateLimits): "${entry}" is not <family>=<requests per second, above 0 and at most 1000>[/<burst, at least 1>] with a family of ${families.join(', ')} (e.g. employees=3,v2=8/16)`,
      )
      continue
    }
    if (limits[family] !== undefined) {
      problems.push(
        `PERSONIO_RATE_LIMITS (personio.rateLimits): ${family} is named twice; give each family once`,
      )
      continue
    }
    const documented = documentedLimits[family]
    const burst = burstGiven ?? Math.max(1, Math.ceil((rate * documented.burst) / documented.rate))
    limits[family] = { rate, burst }
  }
  return { limits, problems }
}

export function familyOf(path: string): EndpointFamily {
  if (path.startsWith('/v1/auth')) return 'v1-auth'
  if (path.startsWith('/v2/auth')) return 'v2-auth'
  if (path.startsWith('/v1/company/employees')) return 'employees'
  if (path.startsWith('/v2/attendance-periods') || path.startsWith('/v2/absence-periods')) return 'v2-periods'
  if (path.startsWith('/v2/persons')) return 'v2-persons'
  return path.startsWith('/v2/') ? 'v2' : 'v1'
}

interface Bucket {
  spec: BucketSpec
  tokens: number
  at: number
  queue: Promise<void>
}

export interface Timing {
  now(): number
  sleep(ms: number): Promise<void>
}

export class RateLimiter {
  private readonly buckets = new Map<EndpointFamily, Bucket>()
  /**
   * @param ceilings configured figures (PERSONIO_RATE_LIMITS): the server's `x-ratelimit-*` headers
   * may lower a family's pace below them, never raise it above (the budget may be shared)
   */
  constructor(
    private readonly specs: Record<EndpointFamily, BucketSpec>,
    private readonly timing: Timing,
    private readonly ceilings: Partial<Record<EndpointFamily, BucketSpec>> = {},
  ) {}

  private bucket(family: EndpointFamily): Bucket {
    let b = this.buckets.get(family)
    if (b === undefined) {
      const spec = this.specs[family]
      b = { spec, tokens: spec.burst, at: this.timing.now(), queue: Promise.resolve() }
      this.buckets.set(family, b)
    }
    return b
  }

  private refill(b: Bucket): void {
    const now = this.timing.now()
    b.tokens = Math.min(b.spec.burst, b.tokens + ((now - b.at) / 1000) * b.spec.rate)
    b.at = now
  }

  /** Waits until a request of this family may go; callers queue in order (no thundering herd). */
  acquire(family: EndpointFamily): Promise<void> {
    const b = this.bucket(family)
    const asked = this.timing.now()
    const turn = b.queue.then(async () => {
      for (;;) {
        this.refill(b)
        if (b.tokens >= 1) {
          b.tokens -= 1
          // The wait includes queueing behind earlier callers: that is what the request felt.
          publish('personio-kafka:personio:rate-limit-wait', { family, waitMs: this.timing.now() - asked })
          return
        }
        await this.timing.sleep(Math.ceil(((1 - b.tokens) / b.spec.rate) * 1000))
      }
    })
    b.queue = turn.catch(() => undefined)
    return turn
  }

  /** Learns from the server's `x-ratelimit-*` headers, when it sends them. */
  observe(family: EndpointFamily, headers: Record<string, string | string[] | undefined>): void {
    const num = (name: string) => {
      const v = headers[name]
      const n = Number(Array.isArray(v) ? v[0] : v)
      return v === undefined || !Number.isFinite(n) ? undefined : n
    }
    const b = this.bucket(family)
    const rate = num('x-ratelimit-replenish-rate')
    const burst = num('x-ratelimit-burst-capacity')
    const remaining = num('x-ratelimit-remaining')
    if (rate !== undefined && rate > 0 && burst !== undefined && burst > 0) {
      const ceiling = this.ceilings[family]
      b.spec =
        ceiling === undefined
          ? { rate, burst }
          : { rate: Math.min(rate, ceiling.rate), burst: Math.min(burst, ceiling.burst) }
    }
    this.refill(b)
    if (remaining !== undefined) b.tokens = Math.min(b.tokens, remaining)
  }

  /** After a 429 the server's bucket is empty whatever ours says. */
  drain(family: EndpointFamily): void {
    const b = this.bucket(family)
    this.refill(b)
    b.tokens = Math.min(b.tokens, 0)
  }
}
