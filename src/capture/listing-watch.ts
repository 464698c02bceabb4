// Watches one listing for signs that it moved under the reader: Personio's count changed between
// pages, a key came twice, a page boundary did not line up, or fewer rows came than Personio
// counted. An offset listing that moved may have skipped a live record, so its deletes prove
// nothing until a listing that did not move agrees. Pure bookkeeping, fed page by page.
import type { RawPage } from './read/listing'
import type { KeyText } from './state'

export class ListingWatch {
  readonly seen = new Set<KeyText>()
  /** why the listing is not to be trusted for deletes (the first sign seen) */
  shifted: string | undefined
  /** records the pages carried (before mapping) */
  read = 0
  private firstTotal: number | undefined
  private lastTotal: number | undefined
  /** items that could not even be given a key: which keys were listed is not known */
  keyless = 0

  constructor(
    /** a resource whose items fan out into records: Personio's count is of another thing */
    private readonly fansOut: boolean,
  ) {}

  page(page: RawPage, keys: readonly (KeyText | undefined)[]): void {
    this.read += page.items.length
    if (page.shifted !== undefined) this.flag(page.shifted)
    if (page.total !== undefined) {
      if (this.firstTotal === undefined) this.firstTotal = page.total
      else if (page.total !== this.lastTotal)
        this.flag(`Personio counted ${this.lastTotal ?? '?'} records, then ${page.total}`)
      this.lastTotal = page.total
    }
    for (const key of keys) {
      if (key === undefined) {
        this.keyless += 1
        continue
      }
      if (this.seen.has(key)) this.flag(`record ${key} came twice`)
      this.seen.add(key)
    }
  }

  /** Called once the listing ended; a short read means a record was skipped. */
  end(): void {
    if (!this.fansOut && this.lastTotal !== undefined && this.read < this.lastTotal)
      this.flag(`${this.read} records came of the ${this.lastTotal} Personio counted`)
  }

  private flag(why: string): void {
    this.shifted ??= why
  }
}
