// status --group put together: the group coordinator's members and partitions, the directory, and
// what each worker's own endpoint says — credited only to the member that answered.
import type { Company, CompanyDirectory } from '../../../src/companies/company'
import { companyPartition } from '../../../src/companies/partition'
import { groupStatus, groupTable } from '../../../src/cli/group-status'
import type { WorkerView } from '../../../src/workers/worker'

const company = (id: string): Company => ({
  spec: { id, prefix: id, personio: { clientId: 'c', clientSecretFile: `${id}.secret` } },
  file: `${id}.json`,
  clientSecret: 's',
  fingerprint: id,
})
const P = 4
const ids = ['acme', 'globex', 'initech', 'umbrella']
const directory: CompanyDirectory = {
  companies: new Map(ids.map((id) => [id, company(id)])),
  refused: [{ file: 'bad.json', id: 'bad', why: 'bad.json: not JSON (at line 1, column 2)' }],
}
// worker a holds partitions 0 and 1, worker b 2 and 3
const members = [
  { memberId: 'm-a', worker: 'a', opsUrl: 'http://a:9464', clientHost: '/10.0.0.1', partitions: [0, 1] },
  { memberId: 'm-b', worker: 'b', opsUrl: 'http://b:9464', clientHost: '/10.0.0.2', partitions: [2, 3] },
]
const holder = (id: string) => (companyPartition(id, P) < 2 ? 'a' : 'b')
const view = (memberId: string, worker: string): WorkerView => ({
  worker,
  groupId: 'g',
  assignment: { generation: 3, memberId, partitions: [] },
  companies: ids
    .filter((id) => holder(id) === worker)
    .map((id) => ({ id, phase: id === 'globex' ? 'failed' : 'running', sinceMs: 0 })),
  refused: [],
})

describe('cli > status --group', () => {
  it('says which worker holds each company and its phase as that worker says', () => {
    const s = groupStatus(
      'g',
      directory,
      { state: 'Stable', members },
      new Map([
        ['m-a', view('m-a', 'a')],
        ['m-b', view('m-b', 'b')],
      ]),
    )
    expect(s.companies.map((c) => [c.id, c.worker, c.phase])).toEqual(
      ids.map((id) => [id, holder(id), id === 'globex' ? 'failed' : 'running']),
    )
    expect(s.workers.map((w) => [w.worker, w.companies.length, w.answered])).toEqual([
      ['a', ids.filter((id) => holder(id) === 'a').length, true],
      ['b', ids.filter((id) => holder(id) === 'b').length, true],
    ])
    expect(groupTable(s).join('\n')).toContain('bad.json: not JSON')
  })

  it("never credits one worker's answer to another member", () => {
    // both members advertise an endpoint that is a's (127.0.0.1 on two machines, say)
    const s = groupStatus('g', directory, { state: 'Stable', members }, new Map([['m-a', view('m-a', 'a')]]))
    expect(s.workers.find((w) => w.worker === 'b')?.answered).toBe(false)
    expect(s.companies.filter((c) => c.worker === 'b').every((c) => c.phase === undefined)).toBe(true)
  })

  it('claims no holder while the group rebalances', () => {
    const s = groupStatus('g', directory, { state: 'PreparingRebalance', members }, new Map())
    expect(s.companies.every((c) => c.worker === undefined)).toBe(true)
    expect(groupTable(s).join('\n')).toContain('the group is rebalancing')
  })
})
