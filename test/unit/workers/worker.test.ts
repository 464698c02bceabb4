// The worker's pure rules: which companies of the directory are this worker's, and the stop when
// the companies topic grew under running workers.
import type { Company, CompanyDirectory } from '../../../src/companies/company'
import { companyPartition } from '../../../src/companies/partition'
import { companiesOf, grownTopic } from '../../../src/workers/worker'

const company = (id: string): Company => ({
  spec: { id, prefix: id, personio: { clientId: 'c', clientSecretFile: `${id}.secret` } },
  file: `${id}.json`,
  clientSecret: 's',
  fingerprint: id,
})

describe('workers > worker', () => {
  it("runs the companies whose partition it holds, and no other's", () => {
    const ids = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'wonka']
    const directory: CompanyDirectory = {
      companies: new Map(ids.map((id) => [id, company(id)])),
      refused: [],
    }
    const held = [0, 1]
    const mine = companiesOf(directory, { generation: 1, memberId: 'm', partitions: held }, 4)
    expect([...mine.keys()].sort()).toEqual(ids.filter((id) => held.includes(companyPartition(id, 4))).sort())
  })

  it('stops, in one line, when it is assigned a partition beyond the count it joined with', () => {
    expect(
      grownTopic({ generation: 2, memberId: 'm', partitions: [0, 127] }, 128, 'g.companies'),
    ).toBeUndefined()
    expect(
      grownTopic({ generation: 3, memberId: 'm', partitions: [3, 130] }, 128, 'g.companies')?.message,
    ).toBe(
      'the companies topic g.companies has more partitions than the 128 this worker joined with (partition 130 assigned): its partition count changed while workers ran; stop every worker and start them again (and never change WORKER_PARTITIONS of a running group)',
    )
  })
})
