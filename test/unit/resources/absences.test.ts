// resources > absences, on personio-api.md §6.2: `+0200`/`+0100` without colon, 0/1 half-day
// flags, the id inside `attributes`, a null comment, a status outside approved|pending|rejected.
import { resources } from '../../../src/resources'
import { day, fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [summer, halfDay, canceled] = fixtureItems('absences')
const vacation = {
  time_off_type_id: 113,
  time_off_type_name: 'Paid vacation',
  certificate_status: 'not-required',
}

describeResourceContract({
  resource: resources.absences,
  cases: [
    {
      title: 'the S1 example, +0200',
      item: summer,
      record: {
        id: 901234,
        employee_id: 4711,
        status: 'approved',
        start_date: day('2024-07-01'),
        end_date: day('2024-07-05'),
        days_count: 5,
        half_day_start: false,
        half_day_end: false,
        ...vacation,
        comment: 'Sommerurlaub',
        created_by: 'API',
        created_at: Date.parse('2024-06-01T07:00:00Z'),
        updated_at: Date.parse('2024-06-02T08:00:00Z'),
      },
    },
    {
      title: '+0100, 1/0 half-day flags, null comment',
      item: halfDay,
      record: {
        id: 901235,
        employee_id: 4712,
        status: 'pending',
        start_date: day('2017-12-27'),
        end_date: day('2017-12-27'),
        days_count: 0.5,
        half_day_start: true,
        half_day_end: false,
        ...vacation,
        created_by: 'Grace Hopper',
        created_at: Date.parse('2017-12-01T07:15:00Z'),
        updated_at: Date.parse('2017-12-01T07:15:00Z'),
      },
    },
  ],
  undocumented: [{ title: 'status canceled', item: canceled, path: 'attributes.status' }],
})
