// docs/contract.md shows the Flink SQL and PostgreSQL statements the downstream test runs: the same
// generator, from the published schemas, so the doc cannot drift from what was proven.
import { readFileSync } from 'node:fs'
import { contractDoc, renderFlinkSql, withFlinkSql } from '../../../scripts/downstream/doc'
import { columnsOf, postgresReserved, sinkColumn } from '../../../scripts/downstream/flink-sql'
import { loadSchemas } from '../../../src/contract/schemas'
import { resourceNames } from '../../../src/resources'

describe('downstream > docs/contract.md Flink SQL', () => {
  const doc = readFileSync(contractDoc, 'utf8')

  it('holds the statements the downstream test runs (run `npx tsx scripts/downstream/doc.ts`)', () => {
    expect(withFlinkSql(doc)).toBe(doc)
    expect(renderFlinkSql()).toContain("'connector' = 'upsert-kafka'")
  })

  it('every field maps to a Flink and a PostgreSQL column', () => {
    for (const name of resourceNames) {
      const { key, value } = loadSchemas(name)
      expect(columnsOf(key, value).map((c) => c.name)).toEqual(value.fields.map((f) => f.name))
    }
  })

  it('only `end` needs another PostgreSQL column name; a new reserved field name is a deliberate decision', () => {
    const renamed = resourceNames.flatMap((name) =>
      loadSchemas(name)
        .value.fields.filter((f) => postgresReserved.has(f.name))
        .map((f) => `${name}.${f.name} → ${sinkColumn(f.name)}`),
    )
    expect(renamed).toEqual(['absence_periods.end → end_', 'attendances.end → end_'])
  })
})
