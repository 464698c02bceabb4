// The oracle's own way into the simulator: plain fetch against the same Personio endpoints the
// product reads, raw JSON out. Deliberately shares nothing with src/personio: a paging or auth bug
// there must not be repeated here, or the comparison would agree with it.

export interface Credential {
  clientId: string
  clientSecret: string
}

export type Json = unknown

const RETRIES = 6

/** A token per API version, refreshed on 401 and followed when Personio rotates it in a header. */
export class RawPersonio {
  private readonly tokens = new Map<'v1' | 'v2', string>()

  constructor(
    private readonly baseUrl: string,
    private readonly credential: Credential,
  ) {}

  /**
   * GET a path (`/v1/...` or `/v2/...`, or an absolute next link) and return its JSON body. A 404 is
   * null only where the caller says a record may be gone (`missingOk`); elsewhere it is an error,
   * so a wrong path can never pass for an empty list.
   */
  async get(pathOrUrl: string, { missingOk = false } = {}): Promise<Json> {
    const api = new URL(pathOrUrl, this.baseUrl).pathname.startsWith('/v2/') ? 'v2' : 'v1'
    let last = ''
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      let res: Response
      try {
        const token = await this.token(api)
        res = await fetch(new URL(pathOrUrl, this.baseUrl), {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(15_000),
        })
      } catch (error) {
        last = `${(error as Error).message}`
        await pause(attempt)
        continue
      }
      const rotated = /^Bearer (.+)$/.exec(res.headers.get('authorization') ?? '')?.[1]
      if (rotated !== undefined) this.tokens.set(api, rotated)
      const text = await res.text()
      if (res.status === 404 && missingOk) return null
      if (res.status === 401 || res.status === 403) {
        this.tokens.delete(api)
        last = `${res.status} ${text.slice(0, 200)}`
        continue
      }
      if (res.status === 429) {
        // Personio sends no Retry-After; its buckets refill within seconds, so wait that long.
        last = `429 ${text.slice(0, 200)}`
        const after = Number(res.headers.get('retry-after') ?? Number.NaN)
        await new Promise((r) => setTimeout(r, Number.isFinite(after) ? after * 1000 : 1000 * (attempt + 1)))
        continue
      }
      if (res.status >= 500) {
        last = `${res.status} ${text.slice(0, 200)}`
        await pause(attempt)
        continue
      }
      if (res.status >= 400) throw new Error(`oracle: GET ${pathOrUrl} answered ${res.status}: ${text}`)
      try {
        return JSON.parse(text) as Json
      } catch {
        // A truncated body (an injected fault still armed) is worth another try, not a verdict.
        last = `malformed JSON: ${text.slice(0, 200)}`
        await pause(attempt)
      }
    }
    throw new Error(`oracle: GET ${pathOrUrl} failed ${RETRIES} times; last: ${last}`)
  }

  private async token(api: 'v1' | 'v2'): Promise<string> {
    const known = this.tokens.get(api)
    if (known !== undefined) return known
    const { clientId, clientSecret } = this.credential
    const res =
      api === 'v1'
        ? await fetch(new URL('/v1/auth', this.baseUrl), {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ client_id: clientId, client_secret: clientSecret }),
          })
        : await fetch(new URL('/v2/auth/token', this.baseUrl), {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'client_credentials',
              client_id: clientId,
              client_secret: clientSecret,
            }).toString(),
          })
    const body = (await res.json()) as { data?: { token?: unknown }; access_token?: unknown }
    const token = api === 'v1' ? body.data?.token : body.access_token
    if (!res.ok || typeof token !== 'string')
      throw new Error(`oracle: ${api} auth failed (${res.status}): ${JSON.stringify(body)}`)
    this.tokens.set(api, token)
    return token
  }
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, 100 * 2 ** attempt))

/** Reads a property path of untrusted JSON; undefined where the path does not exist. */
export function at(value: Json, ...path: (string | number)[]): unknown {
  let node: unknown = value
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[step]
  }
  return node
}

export function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`oracle: ${what} is not a list: ${JSON.stringify(value)}`)
  return value
}

/** v1 lists paged by record offset (employees): offset counts rows. */
export async function v1RecordOffsets(api: RawPersonio, path: string, limit: number): Promise<unknown[]> {
  const out: unknown[] = []
  for (let offset = 0; ; offset += limit) {
    const page = list(at(await api.get(`${path}?limit=${limit}&offset=${offset}`), 'data'), path)
    out.push(...page)
    if (page.length < limit) return out
  }
}

/** v1 lists paged by page number (time-offs, absence periods, time-off types): pages count from 1. */
export async function v1PageNumbers(api: RawPersonio, path: string, limit: number): Promise<unknown[]> {
  const out: unknown[] = []
  for (let page = 1; ; page++) {
    const body = await api.get(`${path}?limit=${limit}&offset=${page}`)
    const rows = list(at(body, 'data'), path)
    out.push(...rows)
    const pages = at(body, 'metadata', 'total_pages')
    if (rows.length < limit || (typeof pages === 'number' && page >= pages)) return out
  }
}

/** v1 lists without paging (document categories, the report list, attribute definitions). */
export async function v1Unpaged(api: RawPersonio, path: string): Promise<unknown[]> {
  return list(at(await api.get(path), 'data'), path)
}

/** A v1 list under a parent that may be gone since it was listed (balances): null on 404. */
export async function v1UnpagedUnder(api: RawPersonio, path: string): Promise<unknown[] | null> {
  const body = await api.get(path, { missingOk: true })
  return body === null ? null : list(at(body, 'data'), path)
}

/** v2 cursor lists: follow `_meta.links.next.href` (relative or absolute; `meta` on some endpoints). */
export async function v2Cursor(api: RawPersonio, path: string, limit: number): Promise<unknown[]> {
  const out: unknown[] = []
  let next: string | undefined = `${path}?limit=${limit}`
  while (next !== undefined) {
    const body = await api.get(next)
    out.push(...list(at(body, '_data') ?? at(body, 'data'), path))
    const href = at(body, '_meta', 'links', 'next', 'href') ?? at(body, 'meta', 'links', 'next', 'href')
    next = typeof href === 'string' ? href : undefined
  }
  return out
}
