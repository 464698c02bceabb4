// v1 GET /company/custom-reports/reports — one response, no paging, no change filter: snapshot +
// fingerprint. Reports Personio is recomputing (`status: updating`) are still listed.
import type { V1CustomReport } from '../personio/types'
import { f } from './fields/field'
import { defineResource } from './resource'

const a = (...path: string[]) => ['attributes', ...path]

export const customReportsList = defineResource<V1CustomReport>({
  name: 'custom_reports_list',
  doc: 'A custom report definition.',
  source: { api: 'v1', path: '/company/custom-reports/reports', paging: 'none' },
  key: ['id'],
  detect: 'snapshot-fingerprint',
  changedAtField: 'updated_at',
  deletes: 'snapshot-diff',
  fields: [
    f.string('id', 'Report id (UUID).', (r) => r.string(a('id'), true)),
    f.string('name', 'Name.', (r) => r.string(a('name'))),
    f.string('description', 'Description.', (r) => r.string(a('description'))),
    f.string('author_first_name', 'Author first name.', (r) => r.string(a('author_first_name'))),
    f.string('author_last_name', 'Author last name.', (r) => r.string(a('author_last_name'))),
    f.string('type', 'point_in_time, historical_data or timeframe.', (r) =>
      r.oneOf(a('type'), ['point_in_time', 'historical_data', 'timeframe']),
    ),
    f.string('status', 'up_to_date, updating or update_failed.', (r) =>
      r.oneOf(a('status'), ['up_to_date', 'updating', 'update_failed']),
    ),
    f.date('start_date', 'Start of the reporting period.', (r) => r.date(a('start_date'))),
    f.date('end_date', 'End of the reporting period.', (r) => r.date(a('end_date'))),
    f.timestamp('created_at', 'Creation time.', (r) => r.timestamp(a('created_at'))),
    f.timestamp('updated_at', 'Last change of the definition.', (r) => r.timestamp(a('updated_at'))),
    f.timestamp('data_refreshed_at', 'When Personio last recomputed the data.', (r) =>
      r.timestamp(a('data_refreshed_at')),
    ),
    f.string('columns', 'JSON array of column attribute ids.', (r) => r.json(a('columns'), false, 'list')),
    f.string('filters', 'JSON array of {column, comparison, value}.', (r) =>
      r.json(a('filters'), false, 'list'),
    ),
    f.string('period_type', 'Period type.', (r) => r.string(a('period_type'))),
  ],
})
