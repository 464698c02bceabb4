// Typed access to every endpoint of the resource table, with the change filters each supports.
// Lists are AsyncIterables of pages, so a listing is never held in memory whole.
import { PersonioHttpError } from '../errors'
import { berlinDay, berlinOffsetAt, formatDate, formatUtcSeconds } from './dates'
import { createHttp, type PersonioClientConfig } from './client'
import { cursorPages } from './pagination/cursor'
import { pageOffsetPages } from './pagination/page-offset'
import { pageParamPages } from './pagination/page-param'
import { query, v1Data, type Page } from './pagination/page'
import { recordOffsetPages } from './pagination/record-offset'
import type {
  V1AbsenceBalance,
  V1AbsencePeriod,
  V1CustomReport,
  V1CustomReportPage,
  V1DocumentCategory,
  V1Employee,
  V1EmployeeAttributeDefinition,
  V1ReportColumns,
  V1TimeOffPeriod,
  V1TimeOffType,
  V2AbsenceBreakdown,
  V2AbsencePeriod,
  V2AbsenceType,
  V2AttendancePeriod,
  V2Employment,
  V2Person,
  V2Project,
} from './types'

/** Page-size caps per endpoint (Personio rejects larger ones). */
export const maxLimits = {
  employees: 100,
  timeOffs: 200,
  absencePeriods: 200,
  timeOffTypes: 200,
  reportItems: 1000,
  v2Periods: 100,
  v2Projects: 100,
  v2Persons: 50,
  v2Employments: 50,
  v2Breakdowns: 28,
} as const

const cap = (limit: number | undefined, max: number) => Math.max(1, Math.min(limit ?? max, max))

/**
 * A naive lower bound that is early enough whether Personio reads it as UTC or as company time
 * (undocumented, personio-api.md §5): the UTC wall clock, which read as Berlin time is earlier.
 */
export const naiveEarly = (ms: number): string => new Date(ms).toISOString().slice(0, 19)

/** A naive company-local date-time: an upper bound read as Berlin time (late enough either way). */
export function naiveBerlin(ms: number): string {
  return new Date(ms + berlinOffsetAt(ms) * 60_000).toISOString().slice(0, 19)
}

export interface EmployeeQuery {
  /** employees changed after this instant (ms) */
  updatedSince?: number
  attributes?: readonly string[]
  email?: string
  limit?: number
}

export interface TimeOffQuery {
  /** whole days (days since epoch), inclusive: Personio's filter is date-only */
  updatedFrom?: number
  updatedTo?: number
  startDate?: number
  endDate?: number
  employees?: readonly number[]
  limit?: number
}

export interface AttendanceQuery {
  updatedAtGte?: number
  updatedAtLte?: number
  personIds?: readonly string[]
  status?: readonly ('PENDING' | 'CONFIRMED' | 'REJECTED')[]
  sort?: string
  limit?: number
}

/**
 * v2 persons filters. Bounds are inclusive here: Personio's `updated_at.gt` / `.lt` are exclusive
 * and whole seconds, so they are sent one second wider (a poll that reuses its last bound re-reads
 * that second instead of skipping it; duplicates are harmless, fingerprints drop them).
 */
export interface PersonQuery {
  updatedAtGte?: number
  updatedAtLte?: number
  ids?: readonly string[]
  emails?: readonly string[]
  status?: 'ACTIVE' | 'INACTIVE'
  limit?: number
}

export interface EmploymentQuery {
  updatedAtGte?: number
  updatedAtLte?: number
  limit?: number
}

/** v2 absence periods (daily and hourly); date bounds match overlapping periods. */
export interface AbsencePeriodQuery {
  updatedAtGte?: number
  updatedAtLte?: number
  personIds?: readonly string[]
  absenceTypeIds?: readonly string[]
  /**
   * periods not ended before the company-local day of this instant began (ms). Whole days: a daily
   * absence's `ends_at` is the midnight that starts its last day, so an instant bound would drop it.
   */
  from?: number
  /** periods started by this instant */
  to?: number
  limit?: number
}

/** Inclusive bounds as Personio's exclusive whole-second `updated_at.gt` / `.lt` (persons, employments). */
function updatedBounds(params: URLSearchParams, q: { updatedAtGte?: number; updatedAtLte?: number }): void {
  const second = (ms: number) => Math.floor(ms / 1000) * 1000
  if (q.updatedAtGte !== undefined)
    params.set('updated_at.gt', formatUtcSeconds(second(q.updatedAtGte) - 1000))
  if (q.updatedAtLte !== undefined)
    params.set('updated_at.lt', formatUtcSeconds(second(q.updatedAtLte) + 1000))
}

/** v2 period filters both attendance and absence periods take: inclusive `updated_at`, persons. */
function periodParams(q: {
  updatedAtGte?: number
  updatedAtLte?: number
  personIds?: readonly string[]
  limit?: number
}): URLSearchParams {
  const params = new URLSearchParams({ limit: String(cap(q.limit, maxLimits.v2Periods)) })
  if (q.updatedAtGte !== undefined) params.set('updated_at.gte', formatUtcSeconds(q.updatedAtGte))
  if (q.updatedAtLte !== undefined) params.set('updated_at.lte', formatUtcSeconds(q.updatedAtLte))
  if (q.personIds !== undefined) params.set('person.id', q.personIds.join(','))
  return params
}

export function createPersonioClient(config: PersonioClientConfig) {
  const http = createHttp(config)
  const get = http.getJson
  const one = async <T>(target: string): Promise<T> => {
    const body = (await get(target)) as { data?: T } | undefined
    if (body?.data === undefined) {
      throw new PersonioHttpError(`Personio ${target} answered without data`, {
        status: 200,
        method: 'GET',
        endpoint: target,
      })
    }
    return body.data
  }
  const list = async <T>(target: string): Promise<T[]> => v1Data<T>(await get(target), target).data

  return {
    http,
    employees: {
      list: (q: EmployeeQuery = {}): AsyncIterable<Page<V1Employee>> =>
        recordOffsetPages<V1Employee>(
          get,
          '/v1/company/employees',
          {
            updated_since: q.updatedSince === undefined ? undefined : naiveEarly(q.updatedSince),
            attributes: q.attributes,
            email: q.email,
          },
          cap(q.limit, maxLimits.employees),
        ),
      get: (id: number) => one<V1Employee>(`/v1/company/employees/${id}`),
      attributes: () => list<V1EmployeeAttributeDefinition>('/v1/company/employees/attributes'),
      absenceBalance: (id: number) => list<V1AbsenceBalance>(`/v1/company/employees/${id}/absences/balance`),
    },
    timeOffs: {
      list: (q: TimeOffQuery = {}): AsyncIterable<Page<V1TimeOffPeriod>> =>
        pageOffsetPages<V1TimeOffPeriod>(
          get,
          '/v1/company/time-offs',
          {
            updated_from: q.updatedFrom === undefined ? undefined : formatDate(q.updatedFrom),
            updated_to: q.updatedTo === undefined ? undefined : formatDate(q.updatedTo),
            start_date: q.startDate === undefined ? undefined : formatDate(q.startDate),
            end_date: q.endDate === undefined ? undefined : formatDate(q.endDate),
            employees: q.employees,
          },
          cap(q.limit, maxLimits.timeOffs),
        ),
      get: (id: number) => one<V1TimeOffPeriod>(`/v1/company/time-offs/${id}`),
    },
    absencePeriods: {
      list: (
        q: { updatedFrom?: number; updatedTo?: number; employees?: readonly number[]; limit?: number } = {},
      ) =>
        pageOffsetPages<V1AbsencePeriod>(
          get,
          '/v1/company/absence-periods',
          {
            updated_from: q.updatedFrom === undefined ? undefined : formatUtcSeconds(q.updatedFrom),
            updated_to: q.updatedTo === undefined ? undefined : formatUtcSeconds(q.updatedTo),
            employees: q.employees,
          },
          cap(q.limit, maxLimits.absencePeriods),
        ),
    },
    timeOffTypes: {
      list: (limit?: number) =>
        pageOffsetPages<V1TimeOffType>(
          get,
          '/v1/company/time-off-types',
          {},
          cap(limit, maxLimits.timeOffTypes),
        ),
    },
    documentCategories: { list: () => list<V1DocumentCategory>('/v1/company/document-categories') },
    customReports: {
      list: () => list<V1CustomReport>('/v1/company/custom-reports/reports'),
      /** pages of report items (`page` from 1, `limit`) */
      items: (reportId: string, limit?: number): AsyncIterable<Page<V1CustomReportPage>> =>
        pageParamPages<V1CustomReportPage>(
          get,
          `/v1/company/custom-reports/reports/${encodeURIComponent(reportId)}`,
          cap(limit, maxLimits.reportItems),
        ),
      columns: async (reportId: string) =>
        (
          (await get(`/v1/company/custom-reports/columns${query({ report_id: reportId })}`)) as {
            data: V1ReportColumns
          }
        ).data,
    },
    attendancePeriods: {
      list: (q: AttendanceQuery = {}): AsyncIterable<Page<V2AttendancePeriod>> => {
        const params = periodParams(q)
        if (q.status !== undefined) params.set('status', q.status.join(','))
        if (q.sort !== undefined) params.set('sort', q.sort)
        return cursorPages<V2AttendancePeriod>(get, http.base, `/v2/attendance-periods?${params.toString()}`)
      },
    },
    persons: {
      list: (q: PersonQuery = {}): AsyncIterable<Page<V2Person>> => {
        const params = new URLSearchParams({ limit: String(cap(q.limit, maxLimits.v2Persons)) })
        updatedBounds(params, q)
        if (q.ids !== undefined) params.set('id', q.ids.join(','))
        if (q.emails !== undefined) params.set('email', q.emails.join(','))
        if (q.status !== undefined) params.set('status', q.status)
        return cursorPages<V2Person>(get, http.base, `/v2/persons?${params.toString()}`)
      },
      get: async (id: string) => (await get(`/v2/persons/${encodeURIComponent(id)}`)) as V2Person,
      /** one person's employments, newest first; 404 (PersonioHttpError) for an unknown person */
      employments: (personId: string, q: EmploymentQuery = {}): AsyncIterable<Page<V2Employment>> => {
        const params = new URLSearchParams({ limit: String(cap(q.limit, maxLimits.v2Employments)) })
        updatedBounds(params, q)
        return cursorPages<V2Employment>(
          get,
          http.base,
          `/v2/persons/${encodeURIComponent(personId)}/employments?${params.toString()}`,
        )
      },
    },
    v2AbsencePeriods: {
      list: (q: AbsencePeriodQuery = {}): AsyncIterable<Page<V2AbsencePeriod>> => {
        const params = periodParams(q)
        if (q.absenceTypeIds !== undefined) params.set('absence_type.id', q.absenceTypeIds.join(','))
        if (q.from !== undefined)
          params.set('ends_at.date_time.gte', `${formatDate(berlinDay(q.from))}T00:00:00`)
        if (q.to !== undefined) params.set('starts_from.date_time.lte', naiveBerlin(q.to))
        return cursorPages<V2AbsencePeriod>(get, http.base, `/v2/absence-periods?${params.toString()}`)
      },
      breakdowns: (id: string, limit?: number): AsyncIterable<Page<V2AbsenceBreakdown>> =>
        cursorPages<V2AbsenceBreakdown>(
          get,
          http.base,
          `/v2/absence-periods/${encodeURIComponent(id)}/breakdowns?limit=${cap(limit, maxLimits.v2Breakdowns)}`,
        ),
    },
    absenceTypes: {
      list: (limit?: number): AsyncIterable<Page<V2AbsenceType>> =>
        cursorPages<V2AbsenceType>(
          get,
          http.base,
          `/v2/absence-types?limit=${cap(limit, maxLimits.v2Periods)}`,
        ),
    },
    projects: {
      list: (limit?: number): AsyncIterable<Page<V2Project>> =>
        cursorPages<V2Project>(get, http.base, `/v2/projects?limit=${cap(limit, maxLimits.v2Projects)}`),
    },
  }
}

export type PersonioClient = ReturnType<typeof createPersonioClient>

/** Drains a page stream into one array (tests, small listings). */
export async function collect<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const out: T[] = []
  for await (const page of pages) out.push(...page.items)
  return out
}
