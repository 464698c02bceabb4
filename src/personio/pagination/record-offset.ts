// v1 record offsets (employees, attendances): offset 0, then on by the rows received, each page
// asked to start at the previous page's last row so the two must agree at the boundary.
import { PersonioHttpError } from '../../errors'
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
 *
 * @param identity what makes two rows the same record (its key), so an update of the boundary row
 *   between two requests is not taken for a shift; default: the whole row
 */
export async function* recordOffsetPages<T>(
  fetch: FetchJson,
  path: string,
  params: Record<string, string | number | readonly (string | number)[] | undefined>,
  limit: number,
  /** resume at this record offset (a snapshot killed halfway) */
  start = 0,
  identity: (row: T) => string = (row) => JSON.stringify(row),
): AsyncGenerator<Page<T>> {
  let boundary: string | undefined
  for (let offset = start; ;) {
    const { data, metadata } = v1Data<T>(await fetch(`${path}${query({ ...params, limit, offset })}`), path)
    const total = metadata?.total_elements
    let items = data
    let shifted: string | undefined
    if (boundary !== undefined) {
      if (data.length > 0 && identity(data[0] as T) === boundary) items = data.slice(1)
      else shifted = `the row at offset ${offset} was not the last row of the page before`
      if (shifted !== undefined && data.length > 0 && identity(data[data.length - 1] as T) === boundary)
        // the same rows again: the server ignores the offset, and paging would never end
        throw new PersonioHttpError(`Personio ${path} answered offset ${offset} with rows it sent before`, {
          status: 200,
          method: 'GET',
          endpoint: path,
        })
    }
    const end = items.length === 0 || (total !== undefined && offset + data.length >= total)
    // a page of one row overlaps nothing: the next one starts after it
    const overlap = !end && data.length > 1
    const next = overlap ? offset + data.length - 1 : offset + data.length
    yield { items, position: next, total, ...(shifted === undefined ? {} : { shifted }) }
    if (end) return
    boundary = overlap ? identity(data[data.length - 1] as T) : undefined
    offset = next
  }
}
