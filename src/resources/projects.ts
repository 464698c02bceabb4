// v2 GET /v2/projects — v1 projects were removed on 2026-08-30. Cursor pagination, limit ≤ 100;
// no change filter, so the list is re-read and fingerprinted; a project that vanishes is a delete.
import type { V2Project } from '../personio/types'
import { f } from './fields/field'
import { defineResource } from './resource'

export const projects = defineResource<V2Project>({
  name: 'projects',
  doc: 'An attendance project (v2).',
  source: { api: 'v2', path: '/v2/projects', paging: 'cursor', maxLimit: 100 },
  key: ['id'],
  detect: 'snapshot-fingerprint',
  changedAtField: 'updated_at',
  deletes: 'snapshot-diff',
  fields: [
    f.string('id', 'Project id.', (r) => r.string(['id'], true)),
    f.string('name', 'Name.', (r) => r.string(['name'])),
    f.string('project_code', 'Project code.', (r) => r.string(['project_code'])),
    f.string('client_name', 'Client name.', (r) => r.string(['client_name'])),
    f.boolean('billable', 'Billable.', (r) => r.boolean(['billable'])),
    f.string('cost_center_id', 'Cost centre id.', (r) => r.string(['cost_center', 'id'])),
    f.string('parent_project_id', 'Parent project id.', (r) => r.string(['parent_project', 'id'])),
    f.string('status', 'ACTIVE or INACTIVE.', (r) => r.oneOf(['status'], ['ACTIVE', 'INACTIVE'])),
    f.date('start_date', 'Start date.', (r) => r.date(['start', 'date'])),
    f.date('end_date', 'End date.', (r) => r.date(['end', 'date'])),
    f.long('tracked_minutes', 'Minutes tracked on the project.', (r) => r.long(['tracked_minutes'])),
    f.timestamp('created_at', 'Creation time (UTC).', (r) => r.timestamp(['created_at'])),
    f.timestamp('updated_at', 'Last change (UTC).', (r) => r.timestamp(['updated_at'])),
  ],
})
