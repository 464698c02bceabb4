// v1 GET /company/absence-periods — hourly absences. UUID ids; page-number offsets (since
// 2023-08-25); `updated_from`/`updated_to` date-times; UTC `Z` timestamps with milliseconds;
// per-day breakdowns. Deleted periods vanish.
import type { V1AbsencePeriod } from '../personio/types'
import { f } from './fields/field'
import { defineResource } from './resource'

const a = (...path: (string | number)[]) => ['attributes', ...path]

export const absencePeriods = defineResource<V1AbsencePeriod>({
  name: 'absence_periods',
  doc: 'An hourly absence (v1 absence period).',
  source: {
    api: 'v1',
    path: '/company/absence-periods',
    paging: 'page-offset',
    maxLimit: 200,
    changedSince: { param: 'updated_from', format: 'utc-seconds' },
  },
  key: ['id'],
  detect: 'incremental',
  changedAtField: 'updated_at',
  deletes: 'reconciliation-scan',
  // Personio deletes a person's absences with the person and announces none of them
  removedWith: [{ resource: 'employees', field: 'employee_id' }],
  // v2 absence periods cover hourly absences too, by the same id
  webhookEvents: [
    'absence-period.created',
    'absence-period.updated.timerange',
    'absence-period.updated.status',
    'absence-period.deleted',
  ],
  fields: [
    f.string('id', 'Absence period id (UUID).', (r) => r.string(a('id'), true)),
    f.long('employee_id', 'Employee the absence belongs to.', (r) =>
      r.long(a('employee', 'attributes', 'id', 'value'), true),
    ),
    f.string('absence_type_id', 'Absence type id (UUID).', (r) =>
      r.string(a('absence_type', 'attributes', 'id')),
    ),
    f.long('time_off_type_id', 'The matching v1 time-off type id (absence_types).', (r) =>
      r.long(a('absence_type', 'attributes', 'time_off_type_id')),
    ),
    f.string('absence_type_name', 'Absence type name.', (r) =>
      r.string(a('absence_type', 'attributes', 'name')),
    ),
    f.string('status', 'approved, pending or rejected.', (r) =>
      r.oneOf(a('status'), ['approved', 'pending', 'rejected']),
    ),
    f.timestamp('start', 'Start instant.', (r) => r.timestamp(a('start'), true)),
    f.timestamp('end', 'End instant; null while open-ended.', (r) => r.timestamp(a('end'))),
    f.long('effective_duration_minutes', 'Effective duration in minutes.', (r) =>
      r.long(a('effective_duration')),
    ),
    f.string('timezone', 'IANA zone of the period.', (r) => r.string(a('timezone'))),
    f.string('breakdowns', 'JSON array of {date, effective_duration} per day.', (r) =>
      r.json(a('breakdowns'), false, 'list'),
    ),
    f.boolean('half_day_start', 'Starts with a half day.', (r) => r.boolean(a('half_day_start'))),
    f.boolean('half_day_end', 'Ends with a half day.', (r) => r.boolean(a('half_day_end'))),
    f.string('certificate_status', 'Certificate status.', (r) => r.string(a('certificate', 'status'))),
    f.string('comment', 'Free-text comment.', (r) => r.string(a('comment'))),
    f.string('origin', 'Where it was created (web, api, …).', (r) => r.string(a('origin'))),
    f.long('created_by', 'Employee id of the creator.', (r) => r.long(a('created_by'))),
    f.timestamp('created_at', 'Creation time.', (r) => r.timestamp(a('created_at'))),
    f.timestamp('updated_at', 'Personio change timestamp.', (r) => r.timestamp(a('updated_at'), true)),
    f.timestamp('approved_at', 'Approval time.', (r) => r.timestamp(a('approved_at'))),
  ],
})
