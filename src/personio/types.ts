// The wire shapes Personio sends, as ../shared/personio-api.md describes them. The simulator
// produces exactly these, the client returns them untouched, and `resources/` maps them to flat
// records. They describe what a well-behaved response looks like: the mapping still validates
// every field, because real responses drift (whitelists, nulls, undocumented extras).

// ---------------------------------------------------------------- envelopes

export interface V1ListMetadata {
  total_elements: number
  current_page: number
  total_pages: number
}

export interface V1ListEnvelope<T> {
  success: true
  data: T[]
  metadata?: V1ListMetadata
  offset?: number
  limit?: number
}

export interface V1ItemEnvelope<T> {
  success: true
  data: T
}

/** v1 default error body; `code` is sometimes the HTTP status, sometimes 0. */
export interface V1ErrorBody {
  success: false
  error: { code: number; message: string; error_data?: unknown; detailed_message?: unknown[] }
}

/** v1 projects deviate: `{success:false, message}` without an `error` object. */
export interface V1MessageErrorBody {
  success: false
  message: string
}

export interface V2ListEnvelope<T> {
  _data: T[]
  _meta: { links: { self?: { href: string }; next?: { href: string } } }
}

export interface V2ProblemBody {
  personio_trace_id: string
  timestamp: string
  errors: { title: string; detail?: string; type?: string; _meta?: unknown }[]
}

/** Custom-report endpoints answer errors with a JSON array. */
export type CustomReportErrorBody = {
  status: number
  trace_id: string
  timestamp: string
  errors: {
    title: string
    details?: string
    type?: string
    _meta?: { field: string; description: string }[]
  }[]
}[]

export interface OAuthErrorBody {
  error: string
  error_description?: string
  error_uri?: string
  timestamp?: string
  trace_id?: string
  meta?: unknown
}

// ---------------------------------------------------------------- auth

export interface V1AuthResponse {
  success: true
  data: { token: string; expires_in?: number; scope?: string }
}

export interface V2TokenResponse {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
  refresh_token?: string | null
}

// ---------------------------------------------------------------- v1 employees

export type EmployeeAttributeType =
  'standard' | 'date' | 'integer' | 'decimal' | 'list' | 'link' | 'tags' | 'multiline'

/** `{type, attributes{id, name}}` objects used for office, department, team, subcompany. */
export interface NamedRef {
  type: string
  attributes: { id: number; name: string; [extra: string]: unknown }
}

export interface EmployeeAttribute<V = unknown> {
  label: string
  value: V
  type: EmployeeAttributeType
  universal_id: string | null
  currency?: string
}

/** Attributes keyed by name: standard ones (`first_name`) and custom ones (`dynamic_<n>`). */
export type EmployeeAttributes = Record<string, EmployeeAttribute>

export interface V1Employee {
  type: 'Employee'
  attributes: EmployeeAttributes
}

/** One row of `GET /company/employees/attributes`. */
export interface V1EmployeeAttributeDefinition {
  key: string
  label: string
  type: EmployeeAttributeType
  universal_id: string | null
  options?: string[]
}

// ---------------------------------------------------------------- v1 absences

export interface ShortEmployee {
  type: 'Employee'
  attributes: {
    id: EmployeeAttribute<number>
    first_name: EmployeeAttribute<string>
    last_name: EmployeeAttribute<string>
    email: EmployeeAttribute<string>
  }
}

export interface V1TimeOffPeriod {
  type: 'TimeOffPeriod'
  attributes: {
    id: number
    /** the v2 absence-period id of the same absence (webhook events name it), since 2026 */
    id_v2?: string
    status: string
    start_date: string
    end_date: string
    days_count: number
    half_day_start: boolean | number
    half_day_end: boolean | number
    time_off_type: { type: 'TimeOffType'; attributes: { id: number; name: string; category: string | null } }
    employee: ShortEmployee
    certificate: { status: string }
    created_at: string
    created_by: string
    updated_at: string
    comment?: string | null
  }
}

export interface V1AbsencePeriod {
  type: 'AbsencePeriod'
  attributes: {
    id: string
    measurement_unit: 'hour'
    effective_duration: number
    employee: ShortEmployee
    absence_type: { type: 'AbsenceType'; attributes: { id: string; name: string; time_off_type_id: number } }
    certificate: { status: string }
    start: string
    end: string | null
    half_day_start: boolean
    half_day_end: boolean
    comment: string | null
    origin: string
    status: string
    timezone: string
    created_by: number | null
    created_at: string
    updated_at: string
    approved_at: string | null
    breakdowns: { date: string; effective_duration: number }[]
  }
}

export interface V1TimeOffType {
  type: 'TimeOffType'
  attributes: {
    id: number
    name: string
    category: string | null
    unit: 'day' | 'hour'
    approval_required: boolean
    legacy_category?: string | null
    half_day_requests_enabled?: boolean
    certification_required?: boolean
    certification_submission_timeframe?: number | null
    substitute_option?: string | null
  }
}

export interface V1DocumentCategory {
  id: number
  type: 'DocumentCategory'
  attributes: { name: string }
}

export interface V1AbsenceBalance {
  id: number
  name: string
  category: string | null
  balance: number
  available_balance: number
}

// ---------------------------------------------------------------- v1 custom reports

export type ReportType = 'point_in_time' | 'historical_data' | 'timeframe'

export interface V1CustomReportAttributes {
  id: string
  name: string
  description: string | null
  author_first_name: string
  author_last_name: string
  type: ReportType
  status: 'up_to_date' | 'updating' | 'update_failed'
  start_date: string | null
  end_date: string | null
  created_at: string
  updated_at: string
  data_refreshed_at: string | null
  columns: string[]
  filters: { column: string; comparison: string; value: unknown }[]
  period_type: string | null
}

export interface V1CustomReport {
  type: 'Report'
  attributes: V1CustomReportAttributes
}

/** A report cell; `data_type` picks the variant (TEXT, ENTITY, COST_CENTER, ABSENCE_OVERVIEW, …). */
export interface ReportCell {
  attribute_id: string
  data_type: string
  employee_id?: number
  value?: unknown
  entity_id?: number | string
  cost_centers?: { cost_center_id: number; value: string; weight: string }[]
  start_date?: string
  end_date?: string
  duration_days?: number
  duration_hours?: number
  half_day_at_start?: boolean
  half_day_at_end?: boolean
  duration?: number
  effective_date?: string
  [extra: string]: unknown
}

export interface ReportItem {
  employee_id: number
  attributes?: ReportCell[]
  historical_attributes?: ReportCell[]
}

export interface V1CustomReportPage {
  type: 'Report'
  attributes: V1CustomReportAttributes & { items: ReportItem[] }
}

export interface V1ReportColumns {
  type: 'Column'
  attributes: { attribute_id: string; human_readable: string; data_type: string }[]
}

// ---------------------------------------------------------------- v2

export interface V2AttendancePeriod {
  id: string
  type: 'WORK' | 'BREAK'
  person: { id: string }
  start: { date_time: string }
  end: { date_time: string } | null
  attribution_date: string
  comment: string | null
  project: { id: string } | null
  approval: { status: 'PENDING' | 'CONFIRMED' | 'REJECTED' }
  is_auto_generated: boolean
  created_at: string
  updated_at: string
}

export interface V2Project {
  id: string
  name: string
  project_code: string | null
  client_name: string | null
  billable: boolean
  cost_center: { id: string } | null
  parent_project: { id: string } | null
  status: string
  start: { date: string } | null
  end: { date: string } | null
  tracked_minutes: number | null
  created_at?: string
  updated_at?: string
}

export type V2CustomAttributeType =
  'STRING' | 'INT' | 'DOUBLE' | 'DATE' | 'BOOLEAN' | 'STRING_LIST' | 'UNSPECIFIED'

export interface V2Person {
  id: string
  email: string | null
  created_at: string
  updated_at: string
  first_name: string
  last_name: string
  preferred_name: string | null
  gender: 'UNSPECIFIED' | 'MALE' | 'FEMALE' | 'DIVERSE'
  profile_picture: { url: string } | null
  status: 'ACTIVE' | 'INACTIVE'
  custom_attributes: {
    id: string
    /** upper-case in the spec, lower-case in Personio's own examples: read case-insensitively */
    type: V2CustomAttributeType | Lowercase<V2CustomAttributeType>
    global_id: string | null
    label: string
    value: string | string[] | Record<string, unknown>[] | null
  }[]
  employments: { id: string }[]
  _meta?: { links?: Record<string, { href: string }> }
}

export interface V2Employment {
  id: string
  position: { title: string | null } | null
  status: 'ACTIVE' | 'INACTIVE' | 'ONBOARDING' | 'LEAVE' | 'UNSPECIFIED'
  weekly_working_hours: number | null
  full_time_weekly_working_hours: number | null
  probation_end_date: string | null
  employment_start_date: string | null
  employment_end_date: string | null
  contract_end_date: string | null
  type: 'INTERNAL' | 'EXTERNAL' | 'UNSPECIFIED'
  created_at: string
  updated_at: string
  supervisor: { id: string } | null
  office: { id: string } | null
  org_units: { type: 'team' | 'department'; id: string }[]
  person: { id: string }
  termination: {
    termination_date: string | null
    last_working_day: string | null
    terminated_at: string | null
    type: string | null
    reason: string | null
  } | null
  cost_centers: { id: string; weight: number }[]
  legal_entity: { id: string } | null
  job?: { id: string } | null
  sub_company?: { id: string } | null
  _meta?: { links?: Record<string, { href: string }> }
}

export interface V2AbsencePeriod {
  id: string
  person: { id: string }
  absence_type: { id: string }
  /** local to `timezone_id`, no offset; `type` marks a half day */
  starts_from: { date_time: string; type: 'FIRST_HALF' | 'SECOND_HALF' | null }
  ends_at: { date_time: string; type?: 'FIRST_HALF' | 'SECOND_HALF' | null } | null
  timezone_id: string
  comment: string | null
  approval: { status: 'APPROVED' | 'PENDING' | 'REJECTED' }
  created_at: string
  updated_at: string
}

export interface V2AbsenceBreakdown {
  date: string
  effective_duration: { unit: 'DAY' | 'HOUR'; value: number }
}

export interface V2AbsenceType {
  id: string
  name: string
  category: string | null
  unit: 'DAY' | 'HOUR'
}
