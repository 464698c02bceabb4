// An in-memory CaptureContext for the poll source: Personio is a list of employee rows, paged as
// Personio pages them (v1 record offsets: each page re-reads the last row of the one
// before), which a test changes before a cycle or between two of its pages; the attribute list and
// reads by id answer from the same rows. Kafka is the recording sink of webhook-context.ts, the
// registry and codec plain JSON, and the clock virtual: a test moves it, nothing waits.
import { lastValueFrom } from 'rxjs'
import { PersonioHttpError } from '../../src/errors'
import { captureCycle } from '../../src/capture/sources/poll/cycle'
import type { CycleReport } from '../../src/capture/sources/poll/tally'
import { resources, type Resource } from '../../src/resources'
import { simAttributeDefinitions, simCompany, simItems } from './sim-items'
import { webhookWorld, type WebhookWorld } from './webhook-context'

export interface PollWorld extends WebhookWorld {
  /** the rows `/v1/company/employees` lists, in order; change them at will (`renamed`) */
  employees: EmployeeRow[]
  /** our clock, virtual */
  clock: { at: number; advance(ms: number): void }
  /**
   * Called before Personio answers a listing page (the record offset asked for): a test moves the
   * listing under the reader here.
   */
  beforePage?: (offset: number) => void
  /** one poll cycle of a resource, run to its end */
  cycle(resource?: Resource, forceSnapshot?: boolean): Promise<CycleReport>
  /** keys of a topic's records, in publish order: `[id]` for an upsert, `-[id]` for a tombstone */
  publishedKeys(topic?: string): string[]
}

const LIST = '/v1/company/employees'

/** A v1 employee as Personio sends it: every attribute `{ label, value, type }`. */
export interface EmployeeRow {
  type: 'Employee'
  attributes: Record<string, { value: unknown }>
}

export const idOf = (row: EmployeeRow): number => row.attributes.id!.value as number

/** The key text of an employee row as the published keys spell it. */
export const keyOf = (row: EmployeeRow): string => `[${idOf(row)}]`

/** The row with another last name (its change stamp as it was: the fingerprint tells). */
export function renamed(row: EmployeeRow, lastName: string): EmployeeRow {
  const attributes = { ...row.attributes, last_name: { ...row.attributes.last_name!, value: lastName } }
  return { ...row, attributes }
}

const notFound = (target: string) =>
  new PersonioHttpError(`Personio GET failed: 404`, { status: 404, method: 'GET', endpoint: target })

/**
 * A company of `size` employees, listed `pageSize` to a page: Personio may cap a page below the
 * limit asked for, and a small page makes a listing of many pages from a few records.
 */
export function pollWorld(size = 20, pageSize = 10): PollWorld {
  const company = simCompany(size)
  const employees = simItems(company).employees as PollWorld['employees']
  const definitions = simAttributeDefinitions(company)
  const clock = {
    at: Date.parse('2026-12-05T12:00:00Z'),
    advance(ms: number) {
      clock.at += ms
    },
  }
  const answer = (target: string): unknown => {
    const url = new URL(target, 'http://personio.test')
    if (url.pathname === `${LIST}/attributes`) return { success: true, data: definitions }
    if (url.pathname === LIST) {
      const offset = Number(url.searchParams.get('offset') ?? 0)
      const limit = Math.min(pageSize, Number(url.searchParams.get('limit') ?? 100))
      world.beforePage?.(offset)
      const data = employees.slice(offset, offset + limit)
      return { success: true, data, metadata: { total_elements: employees.length } }
    }
    const byId = new RegExp(`^${LIST}/(\\d+)$`).exec(url.pathname)
    const row = byId === null ? undefined : employees.find((e) => idOf(e) === Number(byId[1]))
    if (row === undefined) throw notFound(target)
    return { success: true, data: row }
  }
  const base = webhookWorld(answer)
  base.ctx.clock = { now: () => clock.at }
  const world: PollWorld = {
    ...base,
    employees,
    clock,
    cycle: (resource = resources.employees, forceSnapshot = false) =>
      lastValueFrom(captureCycle(base.ctx, resource, forceSnapshot)),
    publishedKeys: (topic = 'p.employees') =>
      base.published(topic).map((r) => `${r.value === null ? '-' : ''}${JSON.stringify(r.key)}`),
  }
  return world
}
