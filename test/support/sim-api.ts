// Raw v2 calls to the simulator as any HTTP client would make them (a token from /v2/auth/token,
// JSON bodies), for tests of the simulator's own API: no client code of the product in between.
import { request } from 'undici'
import { defaultCredential, type RunningSimulator } from '../../src/simulator'

export interface ApiAnswer<T> {
  status: number
  body: T
  contentType: string
}

export type SimApi = <T = Problem>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>

export interface Problem {
  errors: { title: string; detail: string; type: string }[]
}

export interface V2Page<T> {
  _data: T[]
  _meta: { links: { self: { href: string }; next?: { href: string } } }
}

export interface WebhookJson {
  id: string
  url: string
  description: string
  status: 'ENABLED' | 'DISABLED'
  auth_type: 'NONE' | 'TOKEN' | 'CUSTOM'
  token: string | null
  custom_headers: Record<string, string>
  enabled_events: string[]
}

export interface EventJson {
  id: string
  event_name: string
  occurred_at: string
  payload: { id?: string; person_id?: string }
}

export interface ActivityJson {
  id: string
  event_id: string | null
  event_name: string
  is_delivered: boolean
  status_code: number | null
  attempt: number
  try: number
  completed_at: string
}

/** Every item of a v2 listing, following `_meta.links.next`. */
export async function allPages<T>(api: SimApi, first: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = []
  let pages = 0
  for (let next: string | undefined = first; next !== undefined; pages++) {
    const res: ApiAnswer<V2Page<T>> = await api<V2Page<T>>('GET', next)
    if (res.status !== 200) throw new Error(`GET ${next}: ${res.status} ${JSON.stringify(res.body)}`)
    items.push(...res.body._data)
    const href = res.body._meta.links.next?.href
    next = href === undefined ? undefined : `${new URL(href).pathname}${new URL(href).search}`
  }
  return { items, pages }
}

/** A v2 caller; a 401 (the token expired as a test moved the clock) fetches a new token once. */
export async function simApi(sim: RunningSimulator): Promise<SimApi> {
  const fetchToken = async () => {
    const auth = await request(`${sim.url}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: defaultCredential.clientId,
        client_secret: defaultCredential.clientSecret,
      }).toString(),
    })
    return ((await auth.body.json()) as { access_token: string }).access_token
  }
  let token = await fetchToken()
  const call = async (method: string, path: string, body: unknown) => {
    const res = await request(`${sim.url}${path}`, {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.body.text()
    return {
      status: res.statusCode,
      body: text === '' ? undefined : JSON.parse(text),
      contentType: String(res.headers['content-type'] ?? ''),
    }
  }
  return async (method, path, body) => {
    const first = await call(method, path, body)
    if (first.status !== 401) return first
    token = await fetchToken()
    return call(method, path, body)
  }
}
