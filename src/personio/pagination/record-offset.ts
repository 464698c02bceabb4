// v1 record offsets (employees, attendances): offset 0, then on by the rows received, each page
// asked to start at the previous page's last row so the two must agree at the boundary.
import { query, v1Data, type FetchJson, type Page } from './page'

/**
 * Pages until the server has nothing more. The next offset is what was received, not what was
 * asked for, so a server that quietly caps pages below `limit` loses nothing; the end is a page
 * with nothing new or `metadata.total_elements` reached (which does not depend on whether Personio
 * counts `current_page` from 0 or 1 on that endpoint).
 *
 * Offsets shift when a record before the reader is deleted or created between two requests: the
 * next page then starts one row late (a live row is never listed) or early. Each page after the
 * first therefore re-reads the previous page's last row; when that row is not the first row of the
 * new page, the page says so (`shifted`) and every row of it is kept.
 */
export async function* recordOffsetPages<T>(
  fetch: FetchJson,
  path: string,
  params: Record<string, string | number | readonly (string | number)[] | undefined>,
  limit: number,
  /** resume at this record offset (a snapshot killed halfway) */
  start = 0,
): AsyncGenerator<Page<T>> {
  let boundary: string | undefined
  for (let offset = start; ;) {
    const { data, metadata } = v1Data<T>(await fetch(`${path}${query({ ...params, limit, offset })}`), path)
    const total = metadata?.total_elements
    let items = data
    let shifted: string | undefined
    if (boundary !== undefined) {
      if (data.length > 0 && JSON.stringify(data[0]) === boundary) items = data.slice(1)
      else shifted = `the row at offset ${offset} was not the last row of the page before`
    }
    const end = items.length === 0 || (total !== undefined && offset + data.length >= total)
    const next = end ? offset + data.length : offset + data.length - 1
    yield { items, position: next, total, ...(shifted === undefined ? {} : { shifted }) }
    if (end) return
    boundary = JSON.stringify(data[data.length - 1])
    offset = next
  }
}
