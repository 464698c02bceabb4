// v1 record offsets (employees): offset 0, limit, 2·limit, …; metadata.current_page is 0-based.
import { query, v1Data, type FetchJson, type Page } from './page'

export async function* recordOffsetPages<T>(
  fetch: FetchJson,
  path: string,
  params: Record<string, string | number | readonly (string | number)[] | undefined>,
  limit: number,
  /** stop on `metadata` (0-based `current_page`, as employees document it); else only on a short page */
  trustMetadata = true,
): AsyncGenerator<Page<T>> {
  for (let offset = 0; ; offset += limit) {
    const { data, metadata } = v1Data<T>(await fetch(`${path}${query({ ...params, limit, offset })}`), path)
    yield { items: data, position: offset, total: metadata?.total_elements }
    const lastPage =
      trustMetadata &&
      metadata?.total_pages !== undefined &&
      metadata.current_page !== undefined &&
      metadata.current_page + 1 >= metadata.total_pages
    if (data.length < limit || lastPage) return
  }
}
