// Fault injection: errors, slow responses, truncated JSON, German messages, `error.code` 0, on a
// path prefix, a number of times or with a (seeded) probability.
import { seededRandom, type Random } from '../random'

export interface FaultSpec {
  /** path prefix, e.g. '/v1/company/employees' */
  path: string
  /** and the path ends so, e.g. '/absences/balance' (every employee's balance) */
  pathSuffix?: string
  /** and the query string contains this, e.g. 'cursor=' (a v2 next page) or 'offset=100' */
  queryIncludes?: string
  /** HTTP status to answer with instead (e.g. 500, 502, 503, 504, 429) */
  status?: number
  /** delay before answering */
  delayMs?: number
  /** cut the JSON body in half (a 200 with malformed JSON) */
  malformed?: boolean
  /** answer in German, as some v1 endpoints do */
  german?: boolean
  /** v1 error body with `code: 0` */
  codeZero?: boolean
  /** project-style `{success:false, message}` body */
  messageOnly?: boolean
  /** a 200 whose list is empty (`data: []`, total 0): Personio answering with nothing on a bad day */
  empty?: boolean
  /**
   * after answering normally, delete this record (a change made while a reader is between two
   * pages: every later page of an offset listing shifts by one)
   */
  removeAfter?: { collection: string; id: number | string }
  /** in-process tests only: run once this answer is built (changes made behind a reader) */
  then?: () => void
  /** how many requests it hits; default unlimited */
  times?: number
  /** hit probability per matching request; default 1 */
  probability?: number
}

export class FaultInjector {
  private faults: (FaultSpec & { left: number; hits: number })[] = []
  private readonly random: Random
  constructor(seed = 7) {
    this.random = seededRandom(seed)
  }

  inject(spec: FaultSpec): void {
    this.faults.push({ ...spec, left: spec.times ?? Number.POSITIVE_INFINITY, hits: 0 })
  }

  /** How many requests each injected fault has hit, in the order injected: a test proves its faults were met. */
  hits(): { path: string; hits: number }[] {
    return this.faults.map((f) => ({ path: f.path, hits: f.hits }))
  }

  clear(): void {
    this.faults = []
  }

  /** The fault that hits this request, consuming one of its `times`. */
  match(path: string, search = ''): FaultSpec | undefined {
    for (const f of this.faults) {
      if (f.left <= 0 || !path.startsWith(f.path)) continue
      if (f.pathSuffix !== undefined && !path.endsWith(f.pathSuffix)) continue
      if (f.queryIncludes !== undefined && !decodeURIComponent(search).includes(f.queryIncludes)) continue
      if (f.probability !== undefined && !this.random.chance(f.probability)) continue
      f.left -= 1
      f.hits += 1
      return f
    }
    return undefined
  }
}
