// The paces the Personio client learned (src/personio/adaptive-pace.ts), kept in the state topic as
// `limits/<family>` so a restart starts where the last run left instead of meeting the same 429s
// again. Read back with the rest of the state, before the first request a pace governs.
//
// How they are written: the state topic is written only inside a resource's transaction (its
// transactional producer fences older instances; a second, non-transactional writer would not be
// fenced and could write a stale figure after a newer instance). So the figures ride along: each
// commit asks `due` and adds the records when a figure moved notably and none were written for a
// minute. A lost write costs nothing but some relearning, so nothing waits for one.
import type { OutgoingRecord } from '../../kafka/port'
import type { LearnedPace } from '../../personio/adaptive-pace'
import { learnedFamilies, type LearnedFamily } from '../../personio/rate-families'

const LIMITS = 'limits/'

export type LearnedLimits = Partial<Record<LearnedFamily, LearnedPace>>

/** What the Personio client tells of its paces (`PersonioHttp.rateLimits`). */
export interface PaceSource {
  learned(): LearnedLimits
  /** the figure a family starts from when nothing was restored: documented or configured */
  startOf(family: LearnedFamily): LearnedPace
}

export interface LimitsLedgerOptions {
  /** figures are written at most this often */
  minIntervalMs: number
  /** a figure is worth writing when its pace, burst or height moved by this share */
  notableShare: number
}

export interface LimitsLedger {
  /** Replays one state-topic record (restore); keys of other kinds are not its business. */
  load(key: string, value: Buffer | null): void
  /** What the state topic held: the figures to start from. */
  restored(): LearnedLimits
  /** The records to add to the transaction about to begin at `at`, or none. */
  due(topic: string, at: number): { records: OutgoingRecord[]; figures: LearnedLimits } | undefined
  /** The transaction holding `figures` committed. */
  written(figures: LearnedLimits, at: number): void
}

const moved = (a: number | undefined, b: number | undefined, share: number): boolean =>
  a === undefined || b === undefined ? a !== b : Math.abs(a - b) > share * Math.max(Math.abs(b), 1e-9)

function decode(value: Buffer): LearnedPace | undefined {
  try {
    const parsed = JSON.parse(value.toString('utf8')) as {
      v?: unknown
      rate?: unknown
      burst?: unknown
      height?: unknown
    }
    const positive = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0
    // a figure this release cannot read is relearned, never a reason to stop
    if (parsed.v !== 1 || !positive(parsed.rate) || !positive(parsed.burst)) return undefined
    return positive(parsed.height)
      ? { rate: parsed.rate, burst: parsed.burst, height: parsed.height }
      : { rate: parsed.rate, burst: parsed.burst }
  } catch {
    return undefined
  }
}

export function createLimitsLedger(
  source: PaceSource,
  options: LimitsLedgerOptions = { minIntervalMs: 60_000, notableShare: 0.1 },
): LimitsLedger {
  const restored: LearnedLimits = {}
  const lastWritten: LearnedLimits = {}
  let lastWrittenAt = Number.NEGATIVE_INFINITY
  return {
    load(key, value) {
      if (!key.startsWith(LIMITS)) return
      const family = key.slice(LIMITS.length) as LearnedFamily
      if (!learnedFamilies.includes(family)) return
      const pace = value === null ? undefined : decode(value)
      if (pace === undefined) delete restored[family]
      else restored[family] = pace
    },
    restored: () => ({ ...restored }),
    due(topic, at) {
      if (at - lastWrittenAt < options.minIntervalMs) return undefined
      const figures: LearnedLimits = {}
      for (const [family, pace] of Object.entries(source.learned()) as [LearnedFamily, LearnedPace][]) {
        const before = lastWritten[family] ?? restored[family] ?? source.startOf(family)
        if (
          moved(pace.rate, before.rate, options.notableShare) ||
          moved(pace.burst, before.burst, options.notableShare) ||
          moved(pace.height, before.height, options.notableShare)
        )
          figures[family] = pace
      }
      const records = (Object.entries(figures) as [LearnedFamily, LearnedPace][]).map(([family, pace]) => ({
        topic,
        key: Buffer.from(`${LIMITS}${family}`),
        value: Buffer.from(JSON.stringify({ v: 1, ...pace, at })),
        timestamp: at,
      }))
      return records.length === 0 ? undefined : { records, figures }
    },
    written(figures, at) {
      Object.assign(lastWritten, figures)
      lastWrittenAt = at
    },
  }
}
