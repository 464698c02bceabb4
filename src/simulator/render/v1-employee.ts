// v1 employees as Personio sends them: `{type:'Employee', attributes:{key:{label,value,type,universal_id}}}`,
// nested objects as `{type, attributes{id,name}}`, the supervisor as a nested Employee, dates as
// Berlin midnight with `+01:00`, custom attributes as `dynamic_<n>`; only whitelisted attributes.
import type {
  EmployeeAttribute,
  EmployeeAttributeType,
  NamedRef,
  ShortEmployee,
  V1Employee,
  V1EmployeeAttributeDefinition,
} from '../../personio/types'
import type { Company } from '../state/company'
import type { EmployeeState, Named } from '../state/model'
import { berlinMidnight, berlinWithColon, isoDate } from '../time-format'

type Std = [
  key: string,
  label: string,
  type: EmployeeAttributeType,
  value: (e: EmployeeState, c: Company) => unknown,
]

const ref = (type: string, rows: Named[], id: number | null): NamedRef | null => {
  const row = rows.find((r) => r.id === id)
  return row === undefined ? null : { type, attributes: { id: row.id, name: row.name } }
}
const date = (d: number | null) => (d === null ? null : berlinMidnight(d))

export const STANDARD_ATTRIBUTES: readonly Std[] = [
  ['id', 'ID', 'integer', (e) => e.id],
  ['first_name', 'First name', 'standard', (e) => e.firstName],
  ['last_name', 'Last name', 'standard', (e) => e.lastName],
  ['preferred_name', 'Preferred name', 'standard', (e) => e.preferredName],
  ['email', 'Email', 'standard', (e) => e.email],
  ['gender', 'Gender', 'standard', (e) => e.gender],
  ['status', 'Status', 'standard', (e) => e.status],
  ['position', 'Position', 'standard', (e) => e.position],
  ['supervisor', 'Supervisor', 'standard', (e, c) => supervisorOf(e, c)],
  ['employment_type', 'Employment type', 'standard', (e) => e.employmentType],
  ['weekly_working_hours', 'Weekly hours', 'standard', (e) => e.weeklyWorkingHours],
  ['hire_date', 'Hire date', 'date', (e) => date(e.hireDate)],
  ['contract_end_date', 'Contract ends', 'date', (e) => date(e.contractEndDate)],
  ['termination_date', 'Termination date', 'date', (e) => date(e.terminationDate)],
  ['termination_type', 'Termination type', 'standard', (e) => e.terminationType],
  ['termination_reason', 'Termination reason', 'standard', (e) => e.terminationReason],
  ['probation_period_end', 'Probation period end', 'date', (e) => date(e.probationPeriodEnd)],
  ['created_at', 'Created at', 'date', (e) => berlinWithColon(e.createdAt)],
  ['last_modified_at', 'Last modified', 'date', (e) => berlinWithColon(e.lastModifiedAt)],
  [
    'subcompany',
    'Subcompany',
    'standard',
    (e, c) => ref('Subcompany', c.catalogue.subcompanies, e.subcompanyId),
  ],
  ['office', 'Office', 'standard', (e, c) => ref('Office', c.catalogue.offices, e.officeId)],
  [
    'department',
    'Department',
    'standard',
    (e, c) => ref('Department', c.catalogue.departments, e.departmentId),
  ],
  ['team', 'Team', 'standard', (e, c) => ref('Team', c.catalogue.teams, e.teamId)],
  [
    'cost_centers',
    'Cost center',
    'standard',
    (e, c) =>
      e.costCenters.map((cc) => ({
        type: 'CostCenter',
        attributes: {
          id: cc.id,
          name: c.catalogue.costCenters.find((r) => r.id === cc.id)?.name ?? '',
          percentage: cc.percentage,
        },
      })),
  ],
  [
    'holiday_calendar',
    'Public holidays',
    'standard',
    (e, c) => {
      const h = c.catalogue.holidayCalendars.find((r) => r.id === e.holidayCalendarId)
      return h === undefined
        ? null
        : {
            type: 'HolidayCalendar',
            attributes: { id: h.id, name: h.name, country: h.country, state: h.state },
          }
    },
  ],
  [
    'absence_entitlement',
    'Absence entitlement',
    'standard',
    (_e, c) =>
      c
        .list('timeOffTypes')
        .filter((t) => t.unit === 'day')
        .map((t) => ({
          type: 'TimeOffType',
          attributes: {
            id: t.id,
            name: t.name,
            category: t.category,
            entitlement: t.category === 'paid_vacation' ? 30 : 0,
          },
        })),
  ],
  [
    'work_schedule',
    'Work schedule',
    'standard',
    (e, c) => {
      const w = c.catalogue.workSchedules.find((r) => r.id === e.workScheduleId)
      if (w === undefined) return null
      const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']
      return {
        type: 'WorkSchedule',
        attributes: {
          id: w.id,
          name: w.name,
          valid_from: isoDate(w.validFrom),
          ...Object.fromEntries(days.map((d, i) => [d, w.hours[i]])),
        },
      }
    },
  ],
  ['fix_salary', 'Fix salary', 'decimal', (e) => e.fixSalary],
  ['fix_salary_interval', 'Salary interval', 'standard', (e) => e.fixSalaryInterval],
  ['hourly_salary', 'Hourly salary', 'decimal', (e) => e.hourlySalary],
  ['last_working_day', 'Last day of work', 'date', (e) => date(e.lastWorkingDay)],
  [
    'profile_picture',
    'Profile Picture',
    'standard',
    (e) => `https://api.personio.de/v1/company/employees/${e.id}/profile-picture`,
  ],
]

function supervisorOf(e: EmployeeState, c: Company): V1Employee | null {
  const s = e.supervisorId === null ? undefined : c.get('employees', e.supervisorId)
  if (s === undefined) return null
  const attr = (key: string, label: string, value: unknown, type: EmployeeAttributeType = 'standard') =>
    [key, { label, value, type, universal_id: key }] as const
  return {
    type: 'Employee',
    attributes: Object.fromEntries([
      attr('id', 'ID', s.id, 'integer'),
      attr('first_name', 'First name', s.firstName),
      attr('last_name', 'Last name', s.lastName),
      attr('email', 'Email', s.email),
    ]),
  }
}

export type Whitelist = ReadonlySet<string> | undefined

export function renderEmployee(
  e: EmployeeState,
  c: Company,
  whitelist: Whitelist,
  projection?: ReadonlySet<string>,
): V1Employee {
  const allowed = (key: string) =>
    key === 'id' ||
    ((whitelist === undefined || whitelist.has(key)) && (projection === undefined || projection.has(key)))
  const attributes: Record<string, EmployeeAttribute> = {}
  for (const [key, label, type, value] of STANDARD_ATTRIBUTES) {
    if (!allowed(key)) continue
    const attribute: EmployeeAttribute = { label, value: value(e, c), type, universal_id: key }
    if (key === 'fix_salary' || key === 'hourly_salary') attribute.currency = 'EUR'
    attributes[key] = attribute
  }
  for (const def of c.customAttributes) {
    if (!allowed(def.key)) continue
    const raw = e.custom[def.key] ?? null
    attributes[def.key] = { label: def.label, value: raw, type: def.type, universal_id: def.universalId }
  }
  return { type: 'Employee', attributes }
}

export function attributeDefinitions(c: Company, whitelist: Whitelist): V1EmployeeAttributeDefinition[] {
  const std = STANDARD_ATTRIBUTES.map(([key, label, type]) => ({ key, label, type, universal_id: key }))
  const custom = c.customAttributes.map((d) => ({
    key: d.key,
    label: d.label,
    type: d.type,
    universal_id: d.universalId,
    ...(d.options === undefined ? {} : { options: d.options }),
  }))
  return [...std, ...custom].filter((d) => d.key === 'id' || whitelist === undefined || whitelist.has(d.key))
}

export function shortEmployee(e: EmployeeState | undefined, id: number): ShortEmployee {
  const attr = <V>(
    key: string,
    label: string,
    value: V,
    type: EmployeeAttributeType = 'standard',
  ): EmployeeAttribute<V> => ({ label, value, type, universal_id: key })
  return {
    type: 'Employee',
    attributes: {
      id: attr('id', 'ID', id, 'integer'),
      first_name: attr('first_name', 'First name', e?.firstName ?? ''),
      last_name: attr('last_name', 'Last name', e?.lastName ?? ''),
      email: attr('email', 'Email', e?.email ?? ''),
    },
  }
}
