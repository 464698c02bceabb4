// What `/readyz` answers: ready only once the state topic was read back (the
// `personio-kafka:state:restored` channel), while no resource has stopped on an error retrying
// cannot heal (`personio-kafka:capture:health`: refused credentials, a refused schema — a restart
// will not fix those, a person must), and when every probe (Kafka, the registry) answers in time.
// Probes are plain functions handed in by the composition root, so ops/ imports no Kafka client.
import type { ReadinessReport } from './http-server'
import { subscribe } from './channels'

export interface ReadinessOptions {
  /** name → a cheap call that rejects when the dependency is unreachable */
  probes: Record<string, () => Promise<unknown>>
  /** a probe slower than this counts as unreachable (a hung broker must not hang /readyz) */
  timeoutMs?: number
  /** false for commands without a state topic (snapshot): ready as soon as the probes pass */
  requireState?: boolean
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

export function createReadiness(o: ReadinessOptions): Readiness {
  let restored = o.requireState === false
  const stopped = new Map<string, string>()
  const offs = [
    subscribe('personio-kafka:state:restored', () => (restored = true)),
    subscribe('personio-kafka:capture:health', (e) => {
      if (e.running) stopped.delete(e.resource)
      else
        stopped.set(
          e.resource,
          `${e.resource} stopped at ${new Date(e.error?.atMs ?? Date.now()).toISOString()}: ${e.error?.code ?? 'INTERNAL'}: ${e.error?.message ?? 'unknown error'}`,
        )
    }),
  ]
  return {
    async check() {
      const reasons: string[] = restored ? [] : ['state not restored yet']
      reasons.push(...stopped.values())
      const results = await Promise.allSettled(
        Object.values(o.probes).map((probe) => withTimeout(probe(), o.timeoutMs ?? 3000)),
      )
      Object.keys(o.probes).forEach((name, i) => {
        const r = results[i]
        if (r?.status === 'rejected') reasons.push(`${name} unreachable: ${(r.reason as Error).message}`)
      })
      return reasons.length === 0 ? { ready: true } : { ready: false, reasons }
    },
    close: () => offs.forEach((off) => off()),
  }
}
