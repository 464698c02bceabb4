// The README's metrics table is generated from the one metrics table in src/ops/metrics.ts.
import { readFileSync } from 'node:fs'
import { metricsTableMarkdown } from '../../../src/ops/metrics'
import { readmePath } from '../../../scripts/readme-tables'

describe('ops > README metrics table', () => {
  it('is the table src/ops/metrics.ts declares (run `npx tsx scripts/readme-tables.ts`)', () => {
    const readme = readFileSync(readmePath, 'utf8')
    const between = readme.split('<!-- metrics-table:start -->')[1]?.split('<!-- metrics-table:end -->')[0]
    expect(between?.trim()).toBe(metricsTableMarkdown())
  })
})
