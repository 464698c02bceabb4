// resources > projects, on personio-api.md §7.6 (observed fields): references as {id}, plain
// dates in {date}, nulls, a status outside the one we know.
import { resources } from '../../../src/resources'
import { day, fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [website, archived] = fixtureItems('projects')

describeResourceContract({
  resource: resources.projects,
  cases: [
    {
      title: 'the S28 fields',
      item: website,
      record: {
        id: 'p-1',
        name: 'Website',
        project_code: 'WEB-01',
        client_name: 'ACME',
        billable: true,
        cost_center_id: 'cc-3',
        status: 'ACTIVE',
        start_date: day('2024-01-01'),
        tracked_minutes: 1830,
        created_at: Date.parse('2023-12-20T09:00:00Z'),
        updated_at: Date.parse('2024-06-03T12:01:00Z'),
      },
    },
  ],
  undocumented: [{ title: 'status ARCHIVED', item: archived, path: 'status' }],
})
