// What every route handler sees: the company, the credential that called, and the request.
import type { Company } from '../state/company'
import type { WebhookHub } from '../webhooks/hub'
import type { Credential } from './auth'

export interface SimRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: Record<string, string | string[] | undefined>
  body: Record<string, unknown>
  rawQueryCredentials: boolean
}

export interface RouteContext {
  company: Company
  credential: Credential
  baseUrl: string
  absoluteNextLinks: boolean
  employeesMaxLimit: number
  /** how naive filter date-times and plain filter dates are read: Personio does not say (§5) */
  naiveZone: 'Europe/Berlin' | 'UTC'
  /** `/v2/webhooks`: subscriptions, their events and deliveries */
  webhooks: WebhookHub
}

/** Integer query parameter; undefined when absent, NaN when not a number. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name)
  if (raw === null || raw === '') return undefined
  return /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN
}

/** v1 array params: `employees[]=1&employees[]=2`. A plain `employees=1,2` is Personio's classic error. */
export function arrayParam(query: URLSearchParams, name: string): string[] | 'not-an-array' | undefined {
  if (query.has(name)) return 'not-an-array'
  const values = query.getAll(`${name}[]`)
  return values.length === 0 ? undefined : values
}

/** v2 multi-value params: comma-separated and/or repeated. */
export function multiParam(query: URLSearchParams, name: string): string[] | undefined {
  const values = query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
  return values.length === 0 ? undefined : values
}
