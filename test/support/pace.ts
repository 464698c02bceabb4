// A simulator started with `rateLimits: false` answers as fast as it is asked: pacing the client at
// Personio's documented figures would only make a test wait (150 balance reads at 5/s: 30 s per
// sync), never test anything. Against a rate-limited simulator the documented pace stays.
const unpaced = 'employees=200,balances=200,v1=200,v2=200,v2-persons=200,v2-periods=200,v1-global=1000'

export function paceFor(sim: { rateLimited?: boolean }): Record<string, string> {
  return sim.rateLimited === false ? { PERSONIO_RATE_LIMITS: unpaced } : {}
}
