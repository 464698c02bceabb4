// What `/readyz` answers: ready only once the state topic was read back (the
// `personio-kafka:state:restored` channel), while no resource has stopped on an error retrying
// cannot heal (`personio-kafka:capture:health`: refused credentials, a refused schema — a restart
// will not fix those, a person must), and when every probe (Kafka, the registry) answers in time.
// Probes are plain functions handed in by the composition root, so ops/ imports no Kafka client.
// More than one engine may run in the process: resources are kept by engine and resource, so one
// company's `employees` never answers for another's, and each named engine must restore its state.
import type { ReadinessReport } from './http-server'
import { subscribe } from './channels'
import { DEFAULT_ENGINE, engineOf } from './engine-scope'

export interface ReadinessOptions {
  /** name → a cheap call that rejects when the dependency is unreachable */
  probes: Record<string, () => Promise<unknown>>
  /** a probe slower than this counts as unreachable (a hung broker must not hang /readyz) */
  timeoutMs?: number
  /** false for commands without a state topic (snapshot): ready as soon as the probes pass */
  requireState?: boolean
  /**
   * the engines the process opens, each of which must read its state back before the process is
   * ready; by default the first restored state suffices (one engine per process)
   */
  engines?: readonly string[]
  /**
   * what else decides readiness, asked on every check: a worker of a group is not ready before it
   * joined, and shows its companies in `details`
   */
  extra?: () => { reasons: string[]; details?: unknown }
  /**
   * false for a worker of a group: one company's stopped resource is that company's (in `details`),
   * never a reason to take the worker — and the webhook ingress of every company — out of service
   */
  stoppedResources?: boolean
}

export interface Readiness {
  check(): Promise<ReadinessReport>
  close(): void
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** Who a reason is about: a resource, and its engine when the process runs named engines. */
const named = (engine: string, what: string) =>
  engine === DEFAULT_ENGINE ? what : `${what} (engine ${engine})`

/** Why the state does not let the process be ready yet; none once every engine restored. */
function stateReasons(o: ReadinessOptions, restored: ReadonlySet<string>): string[] {
  if (o.requireState === false) return []
  if (o.engines === undefined) return restored.size > 0 ? [] : ['state not restored yet']
  return o.engines.filter((e) => !restored.has(e)).map((e) => named(e, 'state not restored yet'))
}

export function createReadiness(o: ReadinessOptions): Readiness {
  const restored = new Set<string>()
  // by engine, then resource: the reason each stopped resource gives
  const stopped = new Map<string, string>()
  const offs = [
    subscribe('personio-kafka:state:restored', (e) => restored.add(engineOf(e))),
    subscribe('personio-kafka:capture:health', (e) => {
      const key = JSON.stringify([engineOf(e), e.resource])
      if (e.running) stopped.delete(key)
      else
        stopped.set(
          key,
          `${named(engineOf(e), e.resource)} stopped at ${new Date(e.error?.atMs ?? Date.now()).toISOString()}: ${e.error?.code ?? 'INTERNAL'}: ${e.error?.message ?? 'unknown error'}`,
        )
    }),
  ]
  return {
    async check() {
      const extra = o.extra?.()
      const reasons = [
        ...stateReasons(o, restored),
        ...(o.stoppedResources === false ? [] : stopped.values()),
        ...(extra?.reasons ?? []),
      ]
      const results = await Promise.allSettled(
        Object.values(o.probes).map((probe) => withTimeout(probe(), o.timeoutMs ?? 3000)),
      )
      Object.keys(o.probes).forEach((name, i) => {
        const r = results[i]
        if (r?.status === 'rejected') reasons.push(`${name} unreachable: ${(r.reason as Error).message}`)
      })
      const details = extra?.details === undefined ? {} : { details: extra.details }
      return reasons.length === 0 ? { ready: true, ...details } : { ready: false, reasons, ...details }
    },
    close: () => offs.forEach((off) => off()),
  }
}
