// What `/readyz` answers: ready only once the state topic was read back (the
// `personio-kafka:state:restored` channel) and every probe (Kafka, the registry) answers in time.
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
  const off = subscribe('personio-kafka:state:restored', () => (restored = true))
  return {
    async check() {
      const reasons: string[] = restored ? [] : ['state not restored yet']
      const results = await Promise.allSettled(
        Object.values(o.probes).map((probe) => withTimeout(probe(), o.timeoutMs ?? 3000)),
      )
      Object.keys(o.probes).forEach((name, i) => {
        const r = results[i]
        if (r?.status === 'rejected') reasons.push(`${name} unreachable: ${(r.reason as Error).message}`)
      })
      return reasons.length === 0 ? { ready: true } : { ready: false, reasons }
    },
    close: off,
  }
}
