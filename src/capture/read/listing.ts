// Reads a resource's items from Personio as its declaration says: the paging style, the change
// filter and the per-parent path all come from `resource.source`, so there is no branch on a
// resource's name here (Debezium: the coordinator only reads the slots).
import { formatDate, formatUtcSeconds } from '../../personio/dates'
import { PersonioHttpError } from '../../errors'
import type { PersonioHttp } from '../../personio/client'
import { cursorPages } from '../../personio/pagination/cursor'
import { pageOffsetPages } from '../../personio/pagination/page-offset'
import { pageParamPages } from '../../personio/pagination/page-param'
import { v1Data, type Page } from '../../personio/pagination/page'
import { recordOffsetPages } from '../../personio/pagination/record-offset'
import type { InstantFormat, Resource } from '../../resources/resource'

export interface ListingOptions {
  /** inclusive lower bound of the change filter (ms); absent: a full listing */
  changedSince?: number
  /** stage resources: the parent id that fills the path placeholder */
  parentId?: string | number
  /** resume where a previous listing stopped: a page's `position` */
  resumeAt?: number | string
  /** a resume position Personio refused (an expired v2 cursor): the listing starts over */
  onRestart?: (why: string) => void
  /** array filters (v1 `employees[]`): one person's records, read when a webhook names them */
  where?: Record<string, readonly (string | number)[]>
}

/** One page of raw items, already fanned out by the resource's `items` slot. */
export interface RawPage {
  items: unknown[]
  /** where this page was (offset, page number, cursor URL); a snapshot resumes after it */
  position: number | string
  total?: number
  /** the listing moved under the reader at this page (why): its deletes prove nothing */
  shifted?: string
}

/**
 * A filter's lower bound as Personio's parameter wants it. Whether Personio reads a naive
 * date-time or a plain date in UTC or in the company's zone is undocumented (personio-api.md §5),
 * so the bound is spelled to be at or before `ms` under either reading: the UTC wall clock read as
 * Berlin time is an hour or two earlier, never later; the UTC calendar day starts before `ms` read
 * either way (Berlin's day starts earlier still). What the wider window re-reads, fingerprints drop.
 */
export function formatInstant(ms: number, format: InstantFormat): string {
  switch (format) {
    case 'naive-date-time':
      return new Date(ms).toISOString().slice(0, 19)
    case 'plain-date':
      return formatDate(Math.floor(ms / 86_400_000))
    case 'utc-seconds':
      return formatUtcSeconds(ms)
  }
}

function target(resource: Resource, parentId: string | number | undefined): string {
  const { api, path } = resource.source
  const filled = path.replace(/\{[a-z_]+\}/, () => {
    if (parentId === undefined) throw new Error(`resource ${resource.name}: ${path} needs a parent id`)
    return encodeURIComponent(String(parentId))
  })
  return api === 'v1' ? `/v1${filled}` : filled
}

/** A raw row's key, so paging compares records, not their contents; the whole row if it has none. */
function identityOf(resource: Resource, row: unknown): string {
  try {
    const record = resource.toRecord(row)
    return JSON.stringify(resource.key.map((k) => record[k] ?? null))
  } catch {
    return JSON.stringify(row)
  }
}

async function* pagesOf(
  http: PersonioHttp,
  resource: Resource,
  options: ListingOptions,
): AsyncGenerator<Page<unknown>> {
  const { source } = resource
  const path = target(resource, options.parentId)
  const limit = source.maxLimit ?? 100
  const filter: Record<string, string | readonly (string | number)[]> = { ...options.where }
  if (options.changedSince !== undefined && source.changedSince !== undefined)
    filter[source.changedSince.param] = formatInstant(options.changedSince, source.changedSince.format)
  const resume = options.resumeAt
  switch (source.paging) {
    case 'record-offset':
      return yield* recordOffsetPages(http.getJson, path, filter, limit, Number(resume ?? 0), (row) =>
        identityOf(resource, row),
      )
    case 'page-offset':
      return yield* pageOffsetPages(http.getJson, path, filter, limit, Number(resume ?? 1))
    case 'page-param':
      return yield* pageParamPages(http.getJson, path, limit, Number(resume ?? 1))
    case 'cursor': {
      // '' is the position after the last page: a snapshot killed after committing it has nothing left to read.
      if (resume === '') return
      const params = new URLSearchParams({ limit: String(limit), ...filter })
      const first = `${path}?${params.toString()}`
      if (typeof resume === 'string') {
        // A stored cursor can expire; Personio then answers 400. Only that first request decides:
        // a failure further on is the listing's own.
        let read = false
        try {
          for await (const page of cursorPages(http.getJson, http.base, resume)) {
            read = true
            yield page
          }
          return
        } catch (error) {
          if (read || !(error instanceof PersonioHttpError) || error.status !== 400) throw error
          options.onRestart?.(
            `Personio refused the stored position of ${resource.name} (${error.status}${error.personioMessage === undefined ? '' : ` ${error.personioMessage}`}): listing it again from the first page`,
          )
        }
      }
      return yield* cursorPages(http.getJson, http.base, first)
    }
    case 'none':
      // One page: position 1 is past it, so a resumed snapshot does not publish it a second time.
      if (resume !== undefined && resume !== 0) return
      yield { items: v1Data(await http.getJson(path), path).data, position: 1 }
  }
}

/** The pages of a listing, each item fanned out by the resource's `items` slot. */
export async function* listPages(
  http: PersonioHttp,
  resource: Resource,
  options: ListingOptions = {},
): AsyncGenerator<RawPage> {
  const fan = resource.source.items
  for await (const page of pagesOf(http, resource, options)) {
    const items = fan === undefined ? page.items : page.items.flatMap((i) => fan(i, options.parentId))
    yield {
      items,
      position: page.position,
      total: page.total,
      ...(page.shifted === undefined ? {} : { shifted: page.shifted }),
    }
  }
}
