// v1 GET /company/time-offs — daily absences only. Page-number offsets where 0 and 1 both mean
// page 1; limit ≤ 200; `updated_from`/`updated_to` are whole DATES (re-read the last day and let
// fingerprints drop what did not change); timestamps like `2017-12-27T00:00:00+0100`. The id sits
// inside `attributes`. Deleted time-offs vanish (GET by id → 404).
import type { V1TimeOffPeriod } from '../personio/types'
import { f } from './fields/field'
import { defineResource } from './resource'

const a = (...path: (string | number)[]) => ['attributes', ...path]

export const absences = defineResource<V1TimeOffPeriod>({
  name: 'absences',
  doc: 'A daily absence (v1 time-off period).',
  source: {
    api: 'v1',
    path: '/company/time-offs',
    paging: 'page-offset',
    maxLimit: 200,
    changedSince: { param: 'updated_from', format: 'plain-date' },
  },
  key: ['id'],
  detect: 'incremental',
  changedAtField: 'updated_at',
  deletes: 'reconciliation-scan',
  // Personio deletes a person's absences with the person and announces none of them
  removedWith: [{ resource: 'employees', field: 'employee_id' }],
  // v2 absence periods cover daily absences; their ids are v2 ids (a time-off carries id_v2)
  webhookEvents: [
    'absence-period.created',
    'absence-period.updated.timerange',
    'absence-period.updated.status',
    'absence-period.deleted',
  ],
  // The event names the v2 absence period: a time-off published before is read by its own id (it
  // keeps the v2 id in id_v2); a new one is found through the v2 period's person, whose time-offs
  // are listed. Hourly absences fire the same events and find nothing here.
  webhook: {
    read: 'by-v2-id',
    idField: 'id_v2',
    path: '/v1/company/time-offs/{id}',
    lookup: '/v2/absence-periods/{id}',
    personAt: ['person', 'id'],
    personFilter: 'employees',
  },
  fields: [
    f.long('id', 'Time-off period id.', (r) => r.long(a('id'), true)),
    f.long('employee_id', 'Employee the absence belongs to.', (r) =>
      r.long(a('employee', 'attributes', 'id', 'value'), true),
    ),
    f.string('status', 'approved, pending or rejected.', (r) =>
      r.oneOf(a('status'), ['approved', 'pending', 'rejected']),
    ),
    f.date('start_date', 'First day (company-local date).', (r) => r.date(a('start_date'), true)),
    f.date('end_date', 'Last day (company-local date).', (r) => r.date(a('end_date'), true)),
    f.double('days_count', 'Days taken.', (r) => r.double(a('days_count'))),
    f.boolean('half_day_start', 'Starts with a half day.', (r) => r.boolean(a('half_day_start'))),
    f.boolean('half_day_end', 'Ends with a half day.', (r) => r.boolean(a('half_day_end'))),
    f.long('time_off_type_id', 'Time-off type id (absence_types).', (r) =>
      r.long(a('time_off_type', 'attributes', 'id')),
    ),
    f.string('time_off_type_name', 'Time-off type name.', (r) =>
      r.string(a('time_off_type', 'attributes', 'name')),
    ),
    f.string('certificate_status', 'Certificate status (e.g. not-required, pending, uploaded).', (r) =>
      r.string(a('certificate', 'status')),
    ),
    f.string('comment', 'Free-text comment.', (r) => r.string(a('comment'))),
    f.string('created_by', '"API" or the name of the admin who created it.', (r) =>
      r.string(a('created_by')),
    ),
    f.timestamp('created_at', 'Creation time.', (r) => r.timestamp(a('created_at'))),
    f.timestamp('updated_at', 'Personio change timestamp.', (r) => r.timestamp(a('updated_at'), true)),
    f.string('id_v2', 'The same absence as a v2 absence period (UUID); webhook events name it.', (r) =>
      r.string(a('id_v2')),
    ),
  ],
})
