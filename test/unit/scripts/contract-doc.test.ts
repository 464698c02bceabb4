// docs/contract.md documents the published schemas; its field tables must be what schemas/ say.
import { readFileSync } from 'node:fs'
import { contractDoc, renderFieldTables, withFieldTables } from '../../../scripts/contract-doc'
import { resources } from '../../../src/resources'

describe('contract > docs/contract.md', () => {
  const doc = readFileSync(contractDoc, 'utf8')

  it('holds the field tables generated from schemas/*.avsc (run `npx tsx scripts/contract-doc.ts`)', () => {
    expect(withFieldTables(doc)).toBe(doc)
  })

  it('documents every resource and every value field', () => {
    const tables = renderFieldTables()
    for (const resource of Object.values(resources)) {
      expect(tables).toContain(`### ${resource.name}\n`)
      for (const field of resource.fields) expect(tables).toContain(`| \`${field.name}\` |`)
    }
  })
})
