// resources > attendances, on personio-api.md §7.5: a string person id, naive local date_time read
// in Berlin (CEST in June, CET in January), Z timestamps with and without millis, an open-ended
// BREAK without project, a type outside WORK|BREAK.
import { resources } from '../../../src/resources'
import { day, fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [work, openBreak, overtime] = fixtureItems('attendances')

describeResourceContract({
  resource: resources.attendances,
  cases: [
    {
      title: 'the S18 example, CEST',
      item: work,
      record: {
        id: 'bd242cd1-0000-4000-8000-000000000001',
        employee_id: 4711,
        type: 'WORK',
        start: Date.parse('2024-06-03T06:30:00Z'),
        end: Date.parse('2024-06-03T10:00:00Z'),
        attribution_date: day('2024-06-03'),
        comment: '',
        project_id: 'p-1',
        status: 'CONFIRMED',
        is_auto_generated: false,
        created_at: Date.parse('2024-06-03T12:01:00Z'),
        updated_at: Date.parse('2024-06-03T12:01:00Z'),
      },
    },
    {
      title: 'open-ended break, CET, Z-millis, nulls',
      item: openBreak,
      record: {
        id: 'bd242cd1-0000-4000-8000-000000000002',
        employee_id: 4711,
        type: 'BREAK',
        start: Date.parse('2024-01-15T11:00:00Z'),
        attribution_date: day('2024-01-15'),
        status: 'PENDING',
        is_auto_generated: false,
        created_at: Date.parse('2024-01-15T11:00:00.123Z'),
        updated_at: Date.parse('2024-01-15T11:00:00.123Z'),
      },
    },
  ],
  undocumented: [{ title: 'type OVERTIME', item: overtime, path: 'type' }],
})
