// v1 GET /company/employees/{id}/absences/balance — one request per employee, no paging, no
// timestamps; values drift daily without edits. A stage fed by employee and absence events plus a
// periodic full refresh; the employee id comes from the request, not the item. Unknown employee → 404.
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
    touchedBy: [{ resource: 'absences', field: 'employee_id' }],
    removedWith: [{ resource: 'absence_types', field: 'id' }],
    refreshAllOn: ['absence_types'],
  },
  fields: [
    f.long('employee_id', 'Employee id.', (r) => r.long(['employee_id'], true)),
    f.long('id', 'Time-off type id.', (r) => r.long(['id'], true)),
    f.string('name', 'Time-off type name.', (r) => r.string(['name'])),
    f.string('category', 'Time-off type category.', (r) => r.string(['category'])),
    f.double('balance', 'Effective balance (taken so far).', (r) => r.double(['balance'])),
    f.double('available_balance', 'Remaining balance with upcoming absences deducted.', (r) =>
      r.double(['available_balance']),
    ),
  ],
})
