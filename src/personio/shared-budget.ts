// Personio's v1 budget, shared fairly by the companies of one process (issue #28 §4). Personio
// counts 2,000 v1 requests a minute per IP, so every company a worker serves draws on the same
// one: a company's first sync, thousands of requests deep, must not starve another's single
// change. One token bucket for the process; waiters queue per tenant (a company's engine), first
// come first served within a tenant, and tokens go round the tenants with waiters in turn. With N
// busy tenants each gets about 1/N of the rate however deep one queue is, and a tenant arriving
// with one request waits about N token intervals at most.
//
// The budget outlives any one engine, so its own sleep is never an engine's stoppable sleep: a
// stopping engine takes its waiters out of their queues (their signal), and the others' waits go
// on. The budget sleeps only while someone waits, and cuts its sleep short when the last waiter
// has gone. Time is injected: the whole of it runs in virtual time in tests.
import type { BucketSpec } from './rate-families'
import type { Timing } from './timing'

export interface SharedBudget {
  /** One token for `tenant`; resolves true when it had to wait. Rejects with the signal's reason when it aborts. */
  take(tenant: string, signal?: AbortSignal): Promise<boolean>
  /** After a 429: Personio's bucket is empty whatever ours says, for every tenant. */
  emptied(): void
  /** Tenants with waiters now. */
  tenants(): number
}

interface Waiter {
  tenant: string
  grant(): void
  fail(error: unknown): void
}

export function createSharedBudget(timing: Timing, spec: BucketSpec): SharedBudget {
  if (!(spec.rate > 0) || !(spec.burst >= 1))
    throw new RangeError(
      `a shared budget needs a rate above 0 and a burst of at least 1, got ${spec.rate}/${spec.burst}`,
    )
  let tokens = spec.burst
  let at = timing.now()
  /** waiters per tenant, oldest first */
  const queues = new Map<string, Waiter[]>()
  /** tenants with waiters, the next to be served first */
  const ring: string[] = []
  /** the sleep until the next token, while anyone waits */
  let sleeping: AbortController | undefined

  const refill = () => {
    const now = timing.now()
    tokens = Math.min(spec.burst, tokens + ((now - at) / 1000) * spec.rate)
    at = now
  }

  /** The oldest waiter of the tenant whose turn it is; the tenant goes to the back of the ring. */
  const next = (): Waiter | undefined => {
    const tenant = ring.shift()
    if (tenant === undefined) return undefined
    const queue = queues.get(tenant) as Waiter[]
    const waiter = queue.shift()
    if (queue.length > 0) ring.push(tenant)
    else queues.delete(tenant)
    return waiter
  }

  const remove = (waiter: Waiter) => {
    const queue = queues.get(waiter.tenant)
    const i = queue?.indexOf(waiter) ?? -1
    if (queue === undefined || i < 0) return
    queue.splice(i, 1)
    if (queue.length === 0) {
      queues.delete(waiter.tenant)
      ring.splice(ring.indexOf(waiter.tenant), 1)
    }
    // nobody left to wake for: no timer outlives the last waiter
    if (ring.length === 0) sleeping?.abort()
  }

  /** Hands out every token there is, in turn; then sleeps until the next one if anyone still waits. */
  const serve = (): void => {
    refill()
    while (tokens >= 1 && ring.length > 0) {
      tokens -= 1
      next()?.grant()
    }
    if (ring.length === 0 || sleeping !== undefined) return
    const wake = new AbortController()
    sleeping = wake
    const cut = new Promise<void>((resolve) => wake.signal.addEventListener('abort', () => resolve()))
    const ms = Math.ceil(((1 - tokens) / spec.rate) * 1000)
    Promise.race([timing.sleep(ms, wake.signal), cut]).then(
      () => {
        sleeping = undefined
        serve()
      },
      (error: unknown) => {
        // a sleep that fails cannot keep time for anyone: say so to every waiter rather than hang
        sleeping = undefined
        for (let w = next(); w !== undefined; w = next()) w.fail(error)
      },
    )
  }

  return {
    take(tenant, signal) {
      if (signal?.aborted === true) return Promise.reject(signal.reason as Error)
      refill()
      if (ring.length === 0 && tokens >= 1) {
        tokens -= 1
        return Promise.resolve(false)
      }
      return new Promise<boolean>((resolve, reject) => {
        const onAbort = () => {
          remove(waiter)
          reject(signal?.reason as Error)
        }
        const waiter: Waiter = {
          tenant,
          grant: () => {
            signal?.removeEventListener('abort', onAbort)
            resolve(true)
          },
          fail: (error) => {
            signal?.removeEventListener('abort', onAbort)
            reject(error as Error)
          },
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        const queue = queues.get(tenant)
        if (queue === undefined) {
          queues.set(tenant, [waiter])
          ring.push(tenant)
        } else queue.push(waiter)
        serve()
      })
    },
    emptied() {
      refill()
      tokens = Math.min(tokens, 0)
    },
    tenants: () => ring.length,
  }
}
