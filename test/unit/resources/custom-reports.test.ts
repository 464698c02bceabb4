// resources > custom_reports, on personio-api.md §6.10: a point-in-time row of mixed cells (TEXT,
// ENTITY, COST_CENTER and ABSENCE_OVERVIEW without `value`), and a historical report whose
// `historical_attributes` split into one row per effective date.
import { resources } from '../../../src/resources'
import { fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [headcount, before, after] = fixtureItems('custom_reports')
const salary = (value: string) => `{"fix_salary":{"data_type":"TEXT","value":"${value}"}}`

describe('resources > custom_reports > rows', () => {
  it('gives one row per point-in-time employee and one per historical effective date', () => {
    expect(fixtureItems('custom_reports')).toHaveLength(3)
  })
})

describeResourceContract({
  resource: resources.custom_reports,
  cases: [
    {
      title: 'point in time, mixed cells',
      item: headcount,
      record: {
        report_id: '8a1c2f3e-0000-4000-8000-000000000001',
        employee_id: 4711,
        effective_date: '',
        cells:
          '{"absence_overview":{"data_type":"ABSENCE_OVERVIEW","duration_days":2,"duration_hours":null,"end_date":"2022-09-30","start_date":"2022-09-01"},' +
          '"cost_centers":{"cost_centers":[{"cost_center_id":3,"value":"R&D","weight":"100%"}],"data_type":"COST_CENTER"},' +
          '"first_name":{"data_type":"TEXT","value":"Ada"},' +
          '"office":{"data_type":"ENTITY","entity_id":9,"value":"Berlin"}}',
      },
    },
    {
      title: 'historical, first effective date',
      item: before,
      record: {
        report_id: '8a1c2f3e-0000-4000-8000-000000000002',
        employee_id: 4712,
        effective_date: '2022-01-01',
        cells: salary('4000'),
      },
    },
    {
      title: 'historical, second effective date',
      item: after,
      record: {
        report_id: '8a1c2f3e-0000-4000-8000-000000000002',
        employee_id: 4712,
        effective_date: '2022-07-01',
        cells: salary('4200'),
      },
    },
  ],
})
