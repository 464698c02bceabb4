// A Personio endpoint with a hidden token bucket, in virtual time: the rate limiter's learning is
// measured against it without a network or a wall clock. Timers fire in time order once every
// promise reacting to the previous one has settled, so concurrent sleepers interleave as they would.

export class VirtualTime {
  private at = 0
  private seq = 0
  private readonly timers: { at: number; seq: number; fire: () => void }[] = []

  now = (): number => this.at

  sleep = (ms: number): Promise<void> =>
    new Promise<void>((fire) => {
      this.timers.push({ at: this.at + Math.max(0, ms), seq: this.seq++, fire })
    })

  /** Runs until `work` settles, moving time to each next timer whenever nothing else can happen. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false
    const done = work.finally(() => {
      settled = true
    })
    for (;;) {
      // setImmediate runs after every queued promise reaction: the system is idle until a timer
      await new Promise<void>((r) => setImmediate(r))
      if (settled) return done
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.timers.shift()
      if (next === undefined)
        throw new Error('virtual time: nothing left to wait for, yet the work is not done')
      this.at = next.at
      next.fire()
    }
  }
}

/** Personio's gateway as a token bucket the client is not told about. */
export class HiddenBucket {
  private tokens: number
  private last = 0
  readonly answers = { ok: 0, limited: 0 }

  constructor(
    private readonly time: VirtualTime,
    private rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst
  }

  /** The hidden limit changes (Personio lowers or raises it while the client runs). */
  setRate(rate: number): void {
    this.take(false)
    this.rate = rate
  }

  /** 200 or 429 for a request arriving now. */
  take(count = true): 200 | 429 {
    const now = this.time.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
    if (!count) return 200
    if (this.tokens >= 1) {
      this.tokens -= 1
      this.answers.ok += 1
      return 200
    }
    this.answers.limited += 1
    return 429
  }
}
