// v1 GET /company/employees/{id}/absences/balance — one request per employee, no paging, no
// timestamps; values drift daily without edits. A stage fed by employee and absence events plus a
// periodic full refresh; the employee id comes from the request, not the item. Unknown employee → 404.
// The type's name, which Personio repeats in every row, is no longer carried (`name` is null since
// 2026-12): a rename would otherwise be one balance read per employee, and a row that carried a
// name no read refreshed would be wrong. Consumers join absence_types by `id` for the name.
import type { V1AbsenceBalance } from '../personio/types'
import { f } from './fields/field'
import { defineResource } from './resource'

export const employeesAbsencesBalance = defineResource<V1AbsenceBalance & { employee_id?: number }>({
  name: 'employees_absences_balance',
  doc: 'The absence balance of one employee for one time-off type.',
  source: {
    api: 'v1',
    path: '/company/employees/{employee_id}/absences/balance',
    paging: 'none',
    items: (row, employeeId) => [{ ...(row as object), employee_id: employeeId }],
  },
  key: ['employee_id', 'id'],
  detect: 'stage',
  deletes: 'stage',
  stage: {
    parent: 'employees',
    parentKey: 'id',
    scopeField: 'employee_id',
    // A balance moves with the employee's absences and with what sets an entitlement or counts a
    // day (status, dates, schedule, calendar); never with a name or a custom attribute.
    parentFields: [
      'status',
      'hire_date',
      'termination_date',
      'contract_end_date',
      'last_working_day',
      'weekly_working_hours',
      'work_schedule_id',
      'work_schedule_days',
      'holiday_calendar_id',
      // each entitlement repeats its type's name; a renamed type changes no balance
      { field: 'absence_entitlement', ignoring: ['name'] },
    ],
    touchedBy: [
      {
        resource: 'absences',
        field: 'employee_id',
        // what an absence counts; not its comment, certificate or its type's (renamed) name
        fields: [
          'employee_id',
          'status',
          'start_date',
          'end_date',
          'days_count',
          'half_day_start',
          'half_day_end',
          'time_off_type_id',
        ],
      },
    ],
    removedWith: [{ resource: 'absence_types', field: 'id' }],
    // A new type, or one counted in other units or another category, changes every balance; a
    // rename changes none (balance rows carry no type name: consumers join absence_types by id).
    refreshAllOn: [{ resource: 'absence_types', fields: ['category', 'unit'] }],
  },
  fields: [
    f.long('employee_id', 'Employee id.', (r) => r.long(['employee_id'], true)),
    f.long('id', 'Time-off type id.', (r) => r.long(['id'], true)),
    // Kept, null, so the schema and every consumer's table stay as they were (fields are never removed).
    f.string('name', 'Always null since 2026-12: join absence_types by id for the type name.', () => null),
    f.string('category', 'Time-off type category.', (r) => r.string(['category'])),
    f.double('balance', 'Effective balance (taken so far).', (r) => r.double(['balance'])),
    f.double('available_balance', 'Remaining balance with upcoming absences deducted.', (r) =>
      r.double(['available_balance']),
    ),
  ],
})
