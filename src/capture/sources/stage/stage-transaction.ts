// The open transaction of a stage unit: parts are added to it as parents' pages are read, and it
// is committed as soon as it holds TRANSACTION_MAX_RECORDS events (and dead letters) or
// STAGE_TRANSACTION_MAX_BYTES of them, whichever comes first; the page that fills it is the most
// it goes over. So what a stage batch holds in memory is bounded by those two, not by how many
// rows its parents have: the 4 reports of 10,000 employees were one transaction of 50,000 rows
// (100,000 records with their state) before. One commit at a time, each in the resource's turn
// (ctx.serial); the unit around it holds the resource's lane.
import type { ConsumedOffsets } from '../../../kafka/port'
import type { Resource } from '../../../resources'
import { commitPart } from '../../commit/commit'
import { emptyPart, type Part } from '../../commit/part'
import type { CaptureContext } from '../../context'
import type { Prepared } from '../../read/prepare'
import type { ChangeEvent, DeadLetter } from '../../rules/change-event'
import type { Cursor } from '../../state/cursor'
import type { KeyText, Known } from '../../state/keys'

/**
 * The most record bytes (keys and values as read, before encoding) one stage transaction holds:
 * rows of a few hundred bytes stop at TRANSACTION_MAX_RECORDS first; rows of tens of KB (a report
 * with many columns, a long history) stop here, so a transaction stays a few MB in memory.
 */
export const STAGE_TRANSACTION_MAX_BYTES = 4 * 1024 * 1024

/** About the bytes a value takes once encoded: its strings' length, 8 per number, 1 per flag. */
export function approxBytes(value: unknown): number {
  if (typeof value === 'string') return value.length
  if (value === null || value === undefined || typeof value === 'boolean') return 1
  if (typeof value !== 'object') return 8
  let bytes = 2
  for (const v of Array.isArray(value) ? value : Object.values(value as object)) bytes += 1 + approxBytes(v)
  return bytes
}

const eventBytes = (e: ChangeEvent): number => approxBytes(e.key) + approxBytes(e.record)
const letterBytes = (l: DeadLetter): number => approxBytes(l.raw)

export interface StageTransactionLimits {
  records: number
  bytes: number
}

export class StageTransaction {
  private part: Part = emptyPart()
  private bytes = 0
  private flushing: Promise<void> | undefined
  /** parents read whole into the open part: remembered as read once it has committed */
  private complete: [id: string, at: number][] = []
  /** events published by the transactions committed so far */
  events = 0

  constructor(
    /** whole: the committer (commit/commit.ts) takes it so */
    private readonly ctx: CaptureContext,
    private readonly resource: Resource,
    private readonly prepared: Prepared,
    /** when each parent's rows were last read and committed (apply-stage-work.ts readsOf) */
    private readonly reads: Map<string, number>,
    private readonly limits: StageTransactionLimits,
  ) {}

  /**
   * Adds what `decide` makes of the state and of what the open part already decided (`pending`):
   * decided against both at once, never against a part that is committing. Commits when full.
   */
  async add(decide: (pending: ReadonlyMap<KeyText, Known | null>) => Part): Promise<void> {
    await this.idle()
    const p = decide(this.part.delta)
    for (const e of p.events) this.part.events.push(e)
    for (const l of p.deadLetters) this.part.deadLetters.push(l)
    for (const [k, v] of p.delta) this.part.delta.set(k, v)
    this.bytes += p.events.reduce((n, e) => n + eventBytes(e), 0)
    this.bytes += p.deadLetters.reduce((n, l) => n + letterBytes(l), 0)
    if (this.full()) await this.commit()
  }

  /** A parent whose every row (and its deletes) is in the open part. */
  parentRead(id: string, at: number): void {
    this.complete.push([id, at])
  }

  /**
   * The last transaction of the unit: the consumed offsets and the cursor ride in it, so progress
   * never passes output that was not committed. `cursorOf` makes the cursor from the one the state
   * holds in the resource's turn (undefined: it stays): a last error recorded while the unit read
   * (engine/last-error.ts) is neither lost nor kept by a cursor read before it. Nothing to commit:
   * the parents read are remembered all the same.
   */
  async finish(
    consumed: ConsumedOffsets | undefined,
    cursorOf?: (current: Cursor) => Cursor | undefined,
  ): Promise<void> {
    await this.idle()
    await this.commit(consumed, cursorOf)
  }

  private size(): number {
    return this.part.events.length + this.part.deadLetters.length
  }

  private full(): boolean {
    return this.size() >= this.limits.records || this.bytes >= this.limits.bytes
  }

  private async idle(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing
  }

  private async commit(
    consumed?: ConsumedOffsets,
    cursorOf?: (current: Cursor) => Cursor | undefined,
  ): Promise<void> {
    const part = this.part
    const complete = this.complete
    this.part = emptyPart()
    this.bytes = 0
    this.complete = []
    const { ctx, resource } = this
    this.flushing = ctx
      .serial(resource.name, async () => {
        const cursor = cursorOf?.(ctx.state.cursor(resource.name))
        if (cursor !== undefined) part.cursor = cursor
        const empty = part.events.length + part.deadLetters.length === 0
        if (empty && consumed === undefined && cursor === undefined) return undefined
        return commitPart(ctx, resource, this.prepared, part, consumed)
      })
      .then((done) => {
        if (done !== undefined) this.events += Object.values(done.published).reduce((a, b) => a + b, 0)
        for (const [id, at] of complete) this.reads.set(id, at)
      })
      .finally(() => (this.flushing = undefined))
    await this.flushing
  }
}
