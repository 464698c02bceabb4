// v1 `page` + `limit` (custom report items, since Aug 2023): pages from 1 until a short page or
// `metadata.total_pages` says the end. Rows are counted inside the page objects, which repeat the
// report metadata with `attributes.items`.
import { query, v1Data, type FetchJson, type Page } from './page'

export async function* pageParamPages<T extends { attributes?: { items?: unknown[] } }>(
  fetch: FetchJson,
  path: string,
  limit: number,
  /** resume at this page (a stage killed halfway) */
  start = 1,
): AsyncGenerator<Page<T>> {
  for (let page = Math.max(1, start); ; page++) {
    const target = `${path}${query({ page, limit })}`
    const { data, metadata } = v1Data<T>(await fetch(target), target)
    yield { items: data, position: page + 1, total: metadata?.total_elements }
    const rows = data.reduce((n, d) => n + (d.attributes?.items?.length ?? 0), 0)
    if (rows < limit || (metadata?.total_pages !== undefined && page >= metadata.total_pages)) return
  }
}
