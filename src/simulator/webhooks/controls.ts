// Delivery faults for tests and the demo, on top of Personio's own behaviour: drop deliveries (the
// event is recorded, the receiver never hears of it), delay them, send them twice, or hold a
// window of events and release it reversed or shuffled. Probabilities and shuffles draw from a
// seeded random, so the same seed gives the same faults.
import { seededRandom, type Random } from '../random'

export interface DeliveryControlSpec {
  /** the next `next` deliveries are dropped; or each with probability `fraction` */
  drop?: { next?: number; fraction?: number }
  /** each delivery waits this long (real time) before its first request */
  delayMs?: number
  /** the next `next` deliveries are sent twice; or each with probability `fraction` */
  duplicate?: { next?: number; fraction?: number }
  /**
   * per subscription, `window` deliveries are held and released together in this order; a window
   * not yet full is released after `maxHoldMs` (default 1000, real time) or by a flush
   */
  reorder?: { window: number; order: 'reverse' | 'shuffle'; maxHoldMs?: number }
}

interface Held<T> {
  items: T[]
  timer: NodeJS.Timeout | undefined
}

function checkFraction(what: string, v: unknown): void {
  if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1))
    throw new Error(`${what}.fraction must be a number from 0 to 1`)
}

function checkCount(what: string, v: unknown): void {
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0))
    throw new Error(`${what} must be a whole number ≥ 0`)
}

/** Throws on a spec that makes no sense, with what is wrong (the control API answers 400). */
export function checkControlSpec(spec: DeliveryControlSpec): void {
  checkCount('drop.next', spec.drop?.next)
  checkFraction('drop', spec.drop?.fraction)
  checkCount('duplicate.next', spec.duplicate?.next)
  checkFraction('duplicate', spec.duplicate?.fraction)
  checkCount('delayMs', spec.delayMs)
  if (spec.reorder !== undefined) {
    if (!(Number.isInteger(spec.reorder.window) && spec.reorder.window >= 2))
      throw new Error('reorder.window must be a whole number ≥ 2')
    if (spec.reorder.order !== 'reverse' && spec.reorder.order !== 'shuffle')
      throw new Error('reorder.order must be reverse or shuffle')
    checkCount('reorder.maxHoldMs', spec.reorder.maxHoldMs)
  }
}

export class DeliveryControls<T> {
  private spec: DeliveryControlSpec = {}
  private dropLeft = 0
  private duplicateLeft = 0
  private readonly held = new Map<string, Held<T>>()
  private readonly random: Random

  constructor(
    seed: number,
    private readonly release: (items: T[]) => void,
  ) {
    this.random = seededRandom(seed ^ 0x0ddba11)
  }

  /** Replaces the controls (held windows are released first, in their order). */
  set(spec: DeliveryControlSpec): void {
    checkControlSpec(spec)
    this.flush()
    this.spec = spec
    this.dropLeft = spec.drop?.next ?? 0
    this.duplicateLeft = spec.duplicate?.next ?? 0
  }

  clear(): void {
    this.set({})
  }

  get delayMs(): number {
    return this.spec.delayMs ?? 0
  }

  /** Whether something is held back by a reorder window. */
  get holding(): boolean {
    return this.held.size > 0
  }

  /** One delivery of `group` (a subscription): dropped, passed on, or passed on twice, maybe held. */
  admit(group: string, item: T): void {
    if (this.take('drop')) return
    const copies = this.take('duplicate') ? [item, item] : [item]
    const reorder = this.spec.reorder
    if (reorder === undefined) {
      this.release(copies)
      return
    }
    const held = this.held.get(group) ?? { items: [], timer: undefined }
    this.held.set(group, held)
    held.items.push(...copies)
    if (held.items.length >= reorder.window) this.releaseGroup(group)
    else if (held.timer === undefined) {
      held.timer = setTimeout(() => this.releaseGroup(group), reorder.maxHoldMs ?? 1000)
      held.timer.unref()
    }
  }

  /** Releases every held window now. */
  flush(): void {
    for (const group of [...this.held.keys()]) this.releaseGroup(group)
  }

  /** Forgets held deliveries (the simulator is closing). */
  discard(): void {
    for (const h of this.held.values()) if (h.timer !== undefined) clearTimeout(h.timer)
    this.held.clear()
  }

  private take(kind: 'drop' | 'duplicate'): boolean {
    const left = kind === 'drop' ? this.dropLeft : this.duplicateLeft
    if (left > 0) {
      if (kind === 'drop') this.dropLeft--
      else this.duplicateLeft--
      return true
    }
    const fraction = this.spec[kind]?.fraction
    return fraction !== undefined && this.random.chance(fraction)
  }

  private releaseGroup(group: string): void {
    const held = this.held.get(group)
    if (held === undefined) return
    this.held.delete(group)
    if (held.timer !== undefined) clearTimeout(held.timer)
    const items = [...held.items]
    if (this.spec.reorder?.order === 'shuffle') {
      for (let i = items.length - 1; i > 0; i--) {
        const j = this.random.int(0, i)
        ;[items[i], items[j]] = [items[j] as T, items[i] as T]
      }
    } else items.reverse()
    this.release(items)
  }
}
