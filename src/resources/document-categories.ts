// v1 GET /company/document-categories — no paging, no metadata, no timestamps: snapshot + fingerprint.
import type { V1DocumentCategory } from '../personio/types'
import { f } from './fields/field'
import { defineResource } from './resource'

export const documentCategories = defineResource<V1DocumentCategory>({
  name: 'document_categories',
  doc: 'A document category.',
  source: { api: 'v1', path: '/company/document-categories', paging: 'none' },
  key: ['id'],
  detect: 'snapshot-fingerprint',
  deletes: 'snapshot-diff',
  fields: [
    f.long('id', 'Document category id.', (r) => r.long(['id'], true)),
    f.string('name', 'Name.', (r) => r.string(['attributes', 'name'])),
  ],
})
