import { PersonioHttpError } from '../../errors'

// What every paginator yields: one page of items and where it was, never the whole listing.
export interface Page<T> {
  items: T[]
  /** where the NEXT page starts (record offset, page number, cursor target): a resume point */
  position: number | string
  /** total matching records, when Personio says */
  total?: number
  /** the listing moved under the reader at this page (why): rows may be missing from it */
  shifted?: string
}

export type FetchJson = (target: string) => Promise<unknown>

export function query(
  params: Record<string, string | number | readonly (string | number)[] | undefined>,
): string {
  const q = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue
    // v1 array params must be repeated `name[]=a&name[]=b`; a comma list is an error there.
    if (Array.isArray(value)) for (const v of value) q.append(`${name}[]`, String(v))
    else q.set(name, String(value))
  }
  const text = q.toString()
  return text === '' ? '' : `?${text}`
}

export interface V1Metadata {
  total_elements?: number
  current_page?: number
  total_pages?: number
}

export function v1Data<T>(body: unknown, endpoint = 'v1 list'): { data: T[]; metadata?: V1Metadata } {
  const b = body as { data?: unknown; metadata?: V1Metadata | null }
  if (!Array.isArray(b?.data)) {
    throw new PersonioHttpError(`Personio ${endpoint} answered without a data list`, {
      status: 200,
      method: 'GET',
      endpoint,
    })
  }
  return { data: b.data as T[], metadata: b.metadata ?? undefined }
}
