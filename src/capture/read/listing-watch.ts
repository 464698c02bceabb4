// Watches one listing for signs that it moved under the reader: Personio's count fell between
// pages, a key came twice, or a page boundary did not line up. An offset listing that moved may
// have skipped a live record, so its deletes prove nothing until a listing that did not move
// agrees. A count that grew does not count: a record created before the reader only makes a row
// come twice, never one go missing (and a row twice is flagged on its own). Pure bookkeeping.
import type { Resource } from '../../resources'
import type { RawPage } from './listing'
import type { KeyText } from '../state/keys'

/**
 * Pagings where a record deleted between two pages cannot hide a live one unnoticed (record
 * offsets re-read each page's last row); a listing by page number or by cursor is never trusted
 * alone to prove a record absent.
 */
export const selfCheckingPaging = (resource: Pick<Resource, 'source'>): boolean =>
  resource.source.paging === 'record-offset' || resource.source.paging === 'none'

export class ListingWatch {
  readonly seen = new Set<KeyText>()
  /** why the listing is not to be trusted for deletes (the first sign seen) */
  shifted: string | undefined
  /** records the pages carried (before mapping) */
  read = 0
  private lastTotal: number | undefined
  /** items that could not even be given a key: which keys were listed is not known */
  keyless = 0

  page(page: RawPage, keys: readonly (KeyText | undefined)[]): void {
    this.read += page.items.length
    if (page.shifted !== undefined) this.flag(page.shifted)
    if (page.total !== undefined) {
      if (this.lastTotal !== undefined && page.total < this.lastTotal)
        this.flag(`Personio counted ${this.lastTotal} records, then ${page.total}`)
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

  private flag(why: string): void {
    this.shifted ??= why
  }
}
