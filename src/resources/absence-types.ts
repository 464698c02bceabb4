// v1 GET /company/time-off-types — usually one page; NO timestamps and no change filter, so the
// whole list is re-read and fingerprinted; a type that disappears is a delete. Live responses carry
// fields removed from the docs in Sep 2024 (legacy_category, certification_*, substitute_option).
import type { V1TimeOffType } from '../personio/types'
import { f } from './fields/field'
import { defineResource } from './resource'

const a = (...path: string[]) => ['attributes', ...path]
export const TIME_OFF_CATEGORIES = [
  'family_care',
  'maternity_parental_leave',
  'child_care',
  'short_time_allowance',
  'quarantine',
  'irrevocable_exemption',
  'sick_leave',
  'strike_and_lockout',
  'public_duty',
  'unpaid_suspension',
  'paid_vacation',
  'unpaid_vacation',
  'unexcused_absence',
  'offsite_work',
  'other',
  'undefined',
] as const

export const absenceTypes = defineResource<V1TimeOffType>({
  name: 'absence_types',
  doc: 'A time-off (absence) type.',
  source: { api: 'v1', path: '/company/time-off-types', paging: 'page-offset', maxLimit: 200 },
  key: ['id'],
  detect: 'snapshot-fingerprint',
  deletes: 'snapshot-diff',
  fields: [
    f.long('id', 'Time-off type id.', (r) => r.long(a('id'), true)),
    f.string('name', 'Name.', (r) => r.string(a('name'))),
    f.string('category', 'Category (paid_vacation, sick_leave, …).', (r) =>
      r.oneOf(a('category'), TIME_OFF_CATEGORIES),
    ),
    f.string('unit', 'day or hour.', (r) => r.oneOf(a('unit'), ['day', 'hour'])),
    f.boolean('approval_required', 'Whether requests need approval.', (r) =>
      r.boolean(a('approval_required')),
    ),
    f.string('legacy_category', 'Legacy category (undocumented since Sep 2024).', (r) =>
      r.string(a('legacy_category')),
    ),
    f.boolean('half_day_requests_enabled', 'Half days allowed (undocumented).', (r) =>
      r.boolean(a('half_day_requests_enabled')),
    ),
    f.boolean('certification_required', 'Certificate required (undocumented).', (r) =>
      r.boolean(a('certification_required')),
    ),
    f.long('certification_submission_timeframe', 'Days to submit a certificate (undocumented).', (r) =>
      r.long(a('certification_submission_timeframe')),
    ),
    f.string('substitute_option', 'Substitute option (undocumented).', (r) =>
      r.string(a('substitute_option')),
    ),
  ],
})
