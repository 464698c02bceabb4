// resources > custom_reports_list, on personio-api.md §6.9: UUID ids, plain dates, Z timestamps,
// columns and filters as JSON text, a report being recomputed, a type outside the documented three.
import { resources } from '../../../src/resources'
import { day, fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [headcount, salaries, chart] = fixtureItems('custom_reports_list')

describeResourceContract({
  resource: resources.custom_reports_list,
  cases: [
    {
      title: 'point in time, up to date',
      item: headcount,
      record: {
        id: '8a1c2f3e-0000-4000-8000-000000000001',
        name: 'Headcount',
        description: 'Active employees by office',
        author_first_name: 'Ada',
        author_last_name: 'L.',
        type: 'point_in_time',
        status: 'up_to_date',
        start_date: day('2022-09-01'),
        created_at: Date.parse('2022-04-10T17:32:28Z'),
        updated_at: Date.parse('2022-04-10T17:32:28Z'),
        data_refreshed_at: Date.parse('2022-04-11T06:00:00Z'),
        columns: '["first_name","office","cost_centers"]',
        filters: '[{"column":"status","comparison":"equals","value":"active"}]',
        period_type: 'fixed',
      },
    },
    {
      title: 'historical, updating, nulls',
      item: salaries,
      record: {
        id: '8a1c2f3e-0000-4000-8000-000000000002',
        name: 'Salary history',
        author_first_name: 'Grace',
        author_last_name: 'Hopper',
        type: 'historical_data',
        status: 'updating',
        start_date: day('2022-01-01'),
        end_date: day('2022-12-31'),
        created_at: Date.parse('2022-04-10T17:32:28Z'),
        updated_at: Date.parse('2022-05-01T08:00:00Z'),
        columns: '["fix_salary"]',
        filters: '[]',
        period_type: 'custom',
      },
    },
  ],
  undocumented: [{ title: 'type chart', item: chart, path: 'attributes.type' }],
})
