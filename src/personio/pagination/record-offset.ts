// v1 record offsets (employees, attendances): offset 0, then on by the rows received.
import { query, v1Data, type FetchJson, type Page } from './page'

/**
 * Pages until the server has nothing more. The next offset is what was received, not what was
 * asked for, so a server that quietly caps pages below `limit` loses nothing; the end is an empty
 * page or `metadata.total_elements` reached (which does not depend on whether Personio counts
 * `current_page` from 0 or 1 on that endpoint).
 */
export async function* recordOffsetPages<T>(
  fetch: FetchJson,
  path: string,
  params: Record<string, string | number | readonly (string | number)[] | undefined>,
  limit: number,
  /** resume at this record offset (a snapshot killed halfway) */
  start = 0,
): AsyncGenerator<Page<T>> {
  for (let offset = start; ;) {
    const { data, metadata } = v1Data<T>(await fetch(`${path}${query({ ...params, limit, offset })}`), path)
    const total = metadata?.total_elements
    offset += data.length
    yield { items: data, position: offset, total }
    if (data.length === 0 || (total !== undefined && offset >= total)) return
  }
}
