// v1 GET /company/employees — record offsets, limit ≤ 100 (since 2025-01-31), `updated_since`
// (paginated since 2023-11-16), 300 req/min with bursts of 15/s. Each attribute arrives as
// {label, value, type, universal_id}; only attributes the credential may read are present, so a
// missing attribute is null, not an error (that includes last_modified_at, the change timestamp).
// Custom `dynamic_<n>` attributes become extra fields (contract/employee-schema.ts).
import type { V1Employee } from '../personio/types'
import { f } from './fields/field'
import type { Path, Reader } from './fields/reader'
import { defineResource } from './resource'

// Paths are built once: a mapping runs for every employee of every full listing, and fresh
// arrays per field and employee were much of its cost (and of the garbage collector's).
const valuePaths = new Map<string, Path>()
const v = (key: string): Path => {
  let path = valuePaths.get(key)
  if (path === undefined) valuePaths.set(key, (path = ['attributes', key, 'value']))
  return path
}
const under = (key: string, ...rest: string[]): Path => [...v(key), ...rest]
/** `{type, attributes{id, name}}` objects (office, department, team, subcompany) */
const refId = (key: string) => {
  const path = under(key, 'attributes', 'id')
  return (r: Reader) => r.long(path)
}
const refName = (key: string) => {
  const path = under(key, 'attributes', 'name')
  return (r: Reader) => r.string(path)
}
const SUPERVISOR_ID = under('supervisor', 'attributes', 'id', 'value')
const CALENDAR_COUNTRY = under('holiday_calendar', 'attributes', 'country')
const CALENDAR_STATE = under('holiday_calendar', 'attributes', 'state')
const WORK_SCHEDULE = under('work_schedule', 'attributes')
const WORK_SCHEDULE_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map(
  (day) => [day, under('work_schedule', 'attributes', day)] as const,
)

export const employees = defineResource<V1Employee>({
  name: 'employees',
  doc: 'A Personio employee (v1 Personnel Data), one record per employee id.',
  source: {
    api: 'v1',
    path: '/company/employees',
    paging: 'record-offset',
    maxLimit: 100,
    changedSince: { param: 'updated_since', format: 'naive-date-time' },
  },
  key: ['id'],
  detect: 'incremental',
  changedAtField: 'last_modified_at',
  customAttributes: { path: '/company/employees/attributes' },
  deletes: 'reconciliation-scan',
  // a person and its employment: an employee
  webhookEvents: [
    'person.created',
    'person.updated',
    'person.deleted',
    'employment.created',
    'employment.updated',
    'employment.deleted',
    'employment.started',
    'employment.terminated',
  ],
  // person and employment events name the person, whose id is the employee's
  webhook: { read: 'by-id', path: '/v1/company/employees/{id}', personIdFirst: true },
  fields: [
    f.long('id', 'Personio employee id.', (r) => r.long(v('id'), true)),
    f.string('first_name', 'First name.', (r) => r.string(v('first_name'))),
    f.string('last_name', 'Last name.', (r) => r.string(v('last_name'))),
    f.string('preferred_name', 'Preferred name.', (r) => r.string(v('preferred_name'))),
    f.string('email', 'Work email.', (r) => r.string(v('email'))),
    f.string('gender', 'male, female or diverse.', (r) =>
      r.oneOf(v('gender'), ['male', 'female', 'diverse']),
    ),
    f.string('status', 'onboarding, active, leave or inactive.', (r) =>
      r.oneOf(v('status'), ['onboarding', 'active', 'leave', 'inactive']),
    ),
    f.string('position', 'Job title.', (r) => r.string(v('position'))),
    f.long('supervisor_id', 'Employee id of the supervisor.', (r) => r.long(SUPERVISOR_ID)),
    f.string('employment_type', 'internal or external.', (r) =>
      r.oneOf(v('employment_type'), ['internal', 'external']),
    ),
    f.double('weekly_working_hours', 'Contractual weekly hours (Personio sends a string).', (r) =>
      r.double(v('weekly_working_hours')),
    ),
    f.date('hire_date', 'Hire date (company-local date).', (r) => r.date(v('hire_date'))),
    f.date('contract_end_date', 'End of a fixed-term contract.', (r) => r.date(v('contract_end_date'))),
    f.date('termination_date', 'Termination date; the employee stays, with status inactive.', (r) =>
      r.date(v('termination_date')),
    ),
    f.string('termination_type', 'Termination type, as labelled in Personio.', (r) =>
      r.string(v('termination_type')),
    ),
    f.string('termination_reason', 'Termination reason, as labelled in Personio.', (r) =>
      r.string(v('termination_reason')),
    ),
    f.date('probation_period_end', 'End of the probation period.', (r) => r.date(v('probation_period_end'))),
    f.date('last_working_day', 'Last day of work.', (r) => r.date(v('last_working_day'))),
    f.timestamp('created_at', 'When the employee was created in Personio.', (r) =>
      r.timestamp(v('created_at')),
    ),
    f.timestamp(
      'last_modified_at',
      'Personio change timestamp; null when the credential may not read it.',
      (r) => r.timestamp(v('last_modified_at')),
    ),
    f.long('subcompany_id', 'Subcompany id.', refId('subcompany')),
    f.string('subcompany_name', 'Subcompany name.', refName('subcompany')),
    f.long('office_id', 'Office id.', refId('office')),
    f.string('office_name', 'Office name.', refName('office')),
    f.long('department_id', 'Department id.', refId('department')),
    f.string('department_name', 'Department name.', refName('department')),
    f.long('team_id', 'Team id.', refId('team')),
    f.string('team_name', 'Team name.', refName('team')),
    f.string('cost_centers', 'JSON array of {id, name, percentage}: the cost-centre split.', (r) => {
      const list = r.raw(v('cost_centers'))
      if (list === null) return null
      if (!Array.isArray(list)) return r.problem(v('cost_centers'), 'must be a list', list)
      const rows = list.map((_, i) => ({
        id: r.long([...v('cost_centers'), i, 'attributes', 'id'], true),
        name: r.string([...v('cost_centers'), i, 'attributes', 'name']),
        percentage: r.double([...v('cost_centers'), i, 'attributes', 'percentage']),
      }))
      return JSON.stringify(rows)
    }),
    f.long('holiday_calendar_id', 'Public-holiday calendar id.', refId('holiday_calendar')),
    f.string('holiday_calendar_name', 'Public-holiday calendar name.', refName('holiday_calendar')),
    f.string('holiday_calendar_country', 'Country code of the holiday calendar.', (r) =>
      r.string(CALENDAR_COUNTRY),
    ),
    f.string('holiday_calendar_state', 'State of the holiday calendar.', (r) => r.string(CALENDAR_STATE)),
    f.string(
      'absence_entitlement',
      'JSON array of {id, name, category, entitlement} per time-off type.',
      (r) => {
        const list = r.raw(v('absence_entitlement'))
        if (list === null) return null
        if (!Array.isArray(list)) return r.problem(v('absence_entitlement'), 'must be a list', list)
        return JSON.stringify(list.map((_, i) => r.raw([...v('absence_entitlement'), i, 'attributes'])))
      },
    ),
    f.long('work_schedule_id', 'Work schedule id.', refId('work_schedule')),
    f.string('work_schedule_name', 'Work schedule name.', refName('work_schedule')),
    f.string(
      'work_schedule_days',
      'JSON object monday..sunday → "HH:MM" hours of the work schedule.',
      (r) => {
        if (r.raw(WORK_SCHEDULE) === null) return null
        return JSON.stringify(
          Object.fromEntries(WORK_SCHEDULE_DAYS.map(([day, path]) => [day, r.string(path)])),
        )
      },
    ),
    f.decimal('fix_salary', 'Fixed salary, in fix_salary_currency.', 14, 2, (r) =>
      r.decimal(v('fix_salary'), 2, 14),
    ),
    f.string('fix_salary_currency', 'ISO currency of fix_salary.', (r) =>
      r.string(['attributes', 'fix_salary', 'currency']),
    ),
    f.string('fix_salary_interval', 'Salary interval (e.g. monthly, yearly).', (r) =>
      r.string(v('fix_salary_interval')),
    ),
    f.decimal('hourly_salary', 'Hourly salary, in hourly_salary_currency.', 14, 2, (r) =>
      r.decimal(v('hourly_salary'), 2, 14),
    ),
    f.string('hourly_salary_currency', 'ISO currency of hourly_salary.', (r) =>
      r.string(['attributes', 'hourly_salary', 'currency']),
    ),
    f.string('profile_picture', 'URL of the profile picture endpoint.', (r) =>
      r.string(v('profile_picture')),
    ),
  ],
})
