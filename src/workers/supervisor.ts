// Which companies this worker runs, kept equal to what it should run. The worker hands in the
// companies it should run now (its partitions of the group, its directory); the supervisor starts
// what is new, stops what left, restarts what changed, and leaves every other company running —
// so a rebalance that moves three companies touches those three and nothing else. One company's
// failure (a refused secret, every resource stopped) is that company's: it is retried on a
// back-off (a short one when the error may pass by itself), or at once when its file changes, and
// never stops another.
//
// Operations on one company are serialised (a stop waits for its start), operations on different
// companies run side by side. Time and the engine are injected: the rules run in memory.
import type { Company } from '../companies/company'
import { FencedError, PkError } from '../errors'

/** `stopped`: no longer this worker's (told once, as it leaves) */
export type CompanyPhase = 'starting' | 'running' | 'stopping' | 'failed' | 'stopped'

export interface CompanyState {
  id: string
  phase: CompanyPhase
  /** when it entered the phase */
  sinceMs: number
  /** why it failed (phase failed; while it is tried again, phase starting), or why its last run ended */
  error?: { code: string; message: string }
  /** failed: when it is tried again (a change of its file tries at once) */
  retryAtMs?: number
}

/** A company's capture, opened: what the supervisor needs of it. */
export interface CompanyRun {
  /** settles when the capture ended on its own: fenced, or none of its resources can go on */
  ended: Promise<{ error: unknown }>
  /** resources with a transaction in flight: what a stop waits for */
  busy(): string[]
  /** graceful: the transaction in flight finishes, nothing new starts; then closed */
  stop(): Promise<void>
}

/**
 * Opens a company's capture; rejects when it cannot start (refused credentials, an outage waited
 * out), or soon after `abandon` aborts (the company is no longer this worker's while it starts).
 */
export type CompanyRunner = (company: Company, abandon: AbortSignal) => Promise<CompanyRun>

export interface SupervisorOptions {
  runner: CompanyRunner
  /** a failed company's first retry after this, doubling up to `retryMaxMs` */
  retryMs: number
  /**
   * the first retry of a company whose failure said it may pass by itself (a `retriable` error: a
   * busy or briefly unreachable broker), doubling up to `retryMaxMs` too: a capture that met a
   * loaded broker is back in seconds, not after the half minute a refused secret waits
   */
  transientRetryMs: number
  retryMaxMs: number
  /**
   * a company fenced by another worker's start while it is still this one's (a worker that was
   * slow to let go of it during a rebalance) is taken back after this, doubling up to `retryMaxMs`:
   * a broker too busy to keep heartbeats can rebalance the group several times in a minute, and
   * each may fence a company once; the doubling still parts two deployments that share a prefix
   */
  fencedRetryMs: number
  now(): number
  /** a cancellable timer (setTimeout in production, virtual in tests) */
  after(ms: number, fn: () => void): () => void
  /** told of every phase change (metrics, log lines) */
  onChange?(state: CompanyState): void
}

export interface Supervisor {
  /** the companies to run from now on; returns at once, the starts and stops go on behind */
  reconcile(desired: ReadonlyMap<string, Company>): void
  states(): CompanyState[]
  /** `company/resource` of every transaction in flight */
  busy(): string[]
  /** resolves once nothing is starting or stopping (tests, and the stop) */
  settled(): Promise<void>
  /** every company stopped gracefully; nothing starts afterwards */
  stopAll(): Promise<void>
}

interface Slot {
  company: Company
  state: CompanyState
  run?: CompanyRun
  /** aborts the start in progress: a start waiting out an outage would hold every later operation */
  starting?: AbortController
  /** the operations on this company, one after the other */
  queue: Promise<void>
  failures: number
  /** what the last failure was: each kind has its own back-off */
  kind: FailureKind
  /** when it last failed: a failure of the same kind soon after it doubles the wait */
  failedAtMs: number
  cancelRetry?: () => void
}

type FailureKind = 'fenced' | 'transient' | 'lasting'

const kindOf = (error: unknown): FailureKind =>
  error instanceof FencedError
    ? 'fenced'
    : (error as { retriable?: unknown } | undefined)?.retriable === true
      ? 'transient'
      : 'lasting'

const describe = (error: unknown): { code: string; message: string } => ({
  code: error instanceof PkError ? error.code : 'INTERNAL',
  message: (error as Error)?.message ?? String(error),
})

export function createSupervisor(o: SupervisorOptions): Supervisor {
  const slots = new Map<string, Slot>()
  let desired: ReadonlyMap<string, Company> = new Map()
  let closed = false

  const enter = (slot: Slot, phase: CompanyPhase, extra: Partial<CompanyState> = {}) => {
    slot.state = { id: slot.company.spec.id, phase, sinceMs: o.now(), ...extra }
    o.onChange?.(slot.state)
  }

  const wanted = (slot: Slot) => {
    const want = desired.get(slot.company.spec.id)
    return !closed && want !== undefined && want.fingerprint === slot.company.fingerprint
  }

  const enqueue = (slot: Slot, op: () => Promise<void>) => {
    slot.queue = slot.queue.then(op, op)
  }

  const firstWait: Record<FailureKind, number> = {
    fenced: o.fencedRetryMs,
    transient: o.transientRetryMs,
    lasting: o.retryMs,
  }

  const scheduleRetry = (slot: Slot) => {
    slot.cancelRetry?.()
    const wait = Math.min(o.retryMaxMs, firstWait[slot.kind] * 2 ** Math.max(0, slot.failures - 1))
    enter(slot, 'failed', { error: slot.state.error, retryAtMs: o.now() + wait })
    slot.cancelRetry = o.after(wait, () => {
      slot.cancelRetry = undefined
      if (slots.get(slot.company.spec.id) === slot && slot.state.phase === 'failed' && wanted(slot))
        enqueue(slot, () => start(slot))
    })
  }

  const fail = (slot: Slot, error: unknown) => {
    // A failure of another kind than the last (a transient one after a refusal, or the reverse)
    // starts its own back-off afresh, and so does one long after the last: more than twice the
    // longest wait (a retry at the longest wait, and its start, still follow). One soon after a
    // start that succeeded does not: two deployments fencing each other over one prefix each
    // start fine, then fence the other, and only a growing wait parts them.
    const kind = kindOf(error)
    const recent = kind === slot.kind && o.now() - slot.failedAtMs < 2 * o.retryMaxMs
    slot.failures = recent ? slot.failures + 1 : 1
    slot.kind = kind
    slot.failedAtMs = o.now()
    slot.state = { ...slot.state, error: describe(error) }
    scheduleRetry(slot)
  }

  async function start(slot: Slot): Promise<void> {
    if (!wanted(slot) || slot.run !== undefined) return
    // a retry keeps saying why the last try failed until this one has an outcome
    enter(slot, 'starting', slot.failures > 0 ? { error: slot.state.error } : {})
    let run: CompanyRun
    const starting = new AbortController()
    slot.starting = starting
    try {
      run = await o.runner(slot.company, starting.signal)
    } catch (error) {
      // abandoned (no longer wanted as it was): not a failure; the operation queued next decides
      if (!starting.signal.aborted) fail(slot, error)
      return
    } finally {
      slot.starting = undefined
    }
    if (starting.signal.aborted) {
      // abandoned just as it opened: the capture was told to stop, so it is not kept; the
      // operation queued next starts the company afresh if it is wanted again
      await run.stop().catch(() => undefined)
      return
    }
    slot.run = run
    // the count of failures stays: it fades with time (fail), so a company that fails soon after
    // each start still waits longer each time
    enter(slot, 'running')
    void run.ended.then(({ error }) => {
      // a stop we asked for ends the run too: only an end of its own is a failure
      if (slot.run !== run || slot.state.phase !== 'running') return
      enqueue(slot, async () => {
        if (slot.run !== run) return
        slot.run = undefined
        await run.stop().catch(() => undefined)
        fail(slot, error)
      })
    })
    // the company left (or changed) while it started: the queue stops it next
    if (!wanted(slot)) enqueue(slot, () => stop(slot))
  }

  async function stop(slot: Slot): Promise<void> {
    slot.cancelRetry?.()
    slot.cancelRetry = undefined
    const run = slot.run
    if (run === undefined) return
    enter(slot, 'stopping')
    slot.run = undefined
    try {
      await run.stop()
    } catch {
      // a close that fails leaves nothing to undo: what was not committed is read again
    }
  }

  const release = (slot: Slot) => {
    enqueue(slot, async () => {
      // wanted again, as it was, before its turn came (a rebalance moved it away and back): it stays
      if (wanted(slot)) return start(slot)
      await stop(slot)
      // back while it stopped: it starts again here, never left without a capture
      if (wanted(slot)) return start(slot)
      // still the slot of this id, and still not wanted: it is gone from this worker
      if (slots.get(slot.company.spec.id) === slot && !desired.has(slot.company.spec.id)) {
        slots.delete(slot.company.spec.id)
        enter(slot, 'stopped')
      }
    })
  }

  const open = (company: Company) => {
    const slot: Slot = {
      company,
      state: { id: company.spec.id, phase: 'starting', sinceMs: o.now() },
      queue: Promise.resolve(),
      failures: 0,
      kind: 'lasting',
      failedAtMs: Number.NEGATIVE_INFINITY,
    }
    slots.set(company.spec.id, slot)
    enqueue(slot, () => start(slot))
  }

  /** a start in progress that is no longer wanted as it was ends now, not when its waits run out */
  const abandonUnwanted = () => {
    for (const slot of slots.values()) if (!wanted(slot)) slot.starting?.abort()
  }

  return {
    reconcile(next) {
      if (closed) return
      desired = next
      abandonUnwanted()
      for (const slot of slots.values()) {
        const want = next.get(slot.company.spec.id)
        if (want === undefined) release(slot)
        else if (want.fingerprint === slot.company.fingerprint) {
          // wanted as it is: a start behind any stop still queued (start does nothing if it runs)
          if (slot.run === undefined && slot.state.phase !== 'failed') enqueue(slot, () => start(slot))
        } else {
          // a changed file: the old capture stops, then the new one starts (no two at once)
          const changed = want
          slot.failures = 0
          enqueue(slot, async () => {
            await stop(slot)
            slot.company = changed
            await start(slot)
          })
        }
      }
      for (const [id, company] of next) if (!slots.has(id)) open(company)
    },
    states: () => [...slots.values()].map((s) => s.state).sort((a, b) => a.id.localeCompare(b.id)),
    busy: () =>
      [...slots.values()].flatMap((s) => (s.run?.busy() ?? []).map((r) => `${s.company.spec.id}/${r}`)),
    async settled() {
      for (;;) {
        const queues = [...slots.values()].map((s) => s.queue)
        await Promise.all(queues)
        if ([...slots.values()].every((s, i) => s.queue === queues[i])) return
      }
    },
    async stopAll() {
      closed = true
      desired = new Map()
      abandonUnwanted()
      for (const slot of slots.values()) release(slot)
      await this.settled()
    },
  }
}
