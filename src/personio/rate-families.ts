// Which token bucket a Personio request draws from, and what Personio says about each
// (../shared/personio-api.md §3.1). Documented: v1 employees 300/min with bursts of 15/s, all v1
// endpoints together 2,000/min per IP (since 2024-07-08), auth 60/min (v1) and 150/min (v2).
// Nothing is documented for the per-employee balance reads or the v2 resources (observed: persons
// ≈ 30/s, periods ≈ 10/s), so those start from a figure and learn the rest (adaptive-pace.ts).

export const endpointFamilies = [
  'employees',
  'balances',
  'v1',
  'v2-persons',
  'v2-periods',
  'v2',
  'v1-auth',
  'v2-auth',
  'v1-global',
] as const

export type EndpointFamily = (typeof endpointFamilies)[number]

/**
 * Families whose pace is learned from Personio's answers. Never the auth endpoints (a 429 there
 * costs a minute's cool-down, and they are called a few times a day), nor the documented v1-wide
 * budget, which bounds the others instead.
 */
export const learnedFamilies = ['employees', 'balances', 'v1', 'v2-persons', 'v2-periods', 'v2'] as const

export type LearnedFamily = (typeof learnedFamilies)[number]

export const isLearned = (family: EndpointFamily): family is LearnedFamily =>
  (learnedFamilies as readonly string[]).includes(family)

export interface BucketSpec {
  /** tokens per second */
  rate: number
  /** bucket size */
  burst: number
}

/** Starting figures: Personio's documented ones where it documents any. */
export const documentedLimits: Record<EndpointFamily, BucketSpec> = {
  employees: { rate: 5, burst: 15 }, // 300/min, bursts of 15/s (2024-05-06)
  // undocumented: counted apart since Personio does not say they share the employees budget; they
  // start at the employees figures and learn from there
  balances: { rate: 5, burst: 15 },
  v1: { rate: 20, burst: 40 }, // undocumented
  'v2-persons': { rate: 30, burst: 30 }, // observed ≈ 30/s on /v2/persons (employments too)
  'v2-periods': { rate: 10, burst: 10 }, // observed ≈ 10/s
  v2: { rate: 10, burst: 10 },
  'v1-auth': { rate: 1, burst: 60 }, // 60/min
  'v2-auth': { rate: 2.5, burst: 150 }, // 150/min
  // 2,000/min for all v1 endpoints per IP; a second's worth of burst, since Personio does not say
  // over which window it counts
  'v1-global': { rate: 2000 / 60, burst: 33 },
}

/** How high a learned pace may climb unless PERSONIO_RATE_CEILINGS says otherwise (requests/s). */
export function defaultCeiling(family: LearnedFamily, v1Global: BucketSpec): number {
  // a v1 family can never use more than all of v1 together; v2 has no published total: 50/s is
  // above every figure observed and low enough not to hammer an endpoint while probing
  return family.startsWith('v2') ? 50 : v1Global.rate
}

/** Requests to every v1 endpoint (auth included) also draw from the v1-wide bucket. */
export const isV1 = (family: EndpointFamily): boolean =>
  family === 'employees' || family === 'balances' || family === 'v1' || family === 'v1-auth'

const BALANCE = /^\/v1\/company\/employees\/[^/]+\/absences\/balance$/

export function familyOf(path: string): EndpointFamily {
  if (path.startsWith('/v1/auth')) return 'v1-auth'
  if (path.startsWith('/v2/auth')) return 'v2-auth'
  if (BALANCE.test(path)) return 'balances'
  if (path.startsWith('/v1/company/employees')) return 'employees'
  if (path.startsWith('/v2/attendance-periods') || path.startsWith('/v2/absence-periods')) return 'v2-periods'
  if (path.startsWith('/v2/persons')) return 'v2-persons'
  return path.startsWith('/v2/') ? 'v2' : 'v1'
}
