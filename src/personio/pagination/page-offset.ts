// v1 page offsets (time-offs, hourly absence periods): `offset` is a PAGE number and 0 ≡ 1, so we
// start at 1 (starting at 0 reads page 1 twice); metadata.current_page is 1-based there.
import { query, v1Data, type FetchJson, type Page } from './page'

export async function* pageOffsetPages<T>(
  fetch: FetchJson,
  path: string,
  params: Record<string, string | number | readonly (string | number)[] | undefined>,
  limit: number,
  /** resume at this page (a snapshot killed halfway) */
  start = 1,
): AsyncGenerator<Page<T>> {
  for (let page = Math.max(1, start); ; page++) {
    const { data, metadata } = v1Data<T>(
      await fetch(`${path}${query({ ...params, limit, offset: page })}`),
      path,
    )
    yield { items: data, position: page + 1, total: metadata?.total_elements }
    if (data.length < limit || (metadata?.total_pages !== undefined && page >= metadata.total_pages)) return
  }
}
