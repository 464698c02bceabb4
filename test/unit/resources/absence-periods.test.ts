// resources > absence_periods, on personio-api.md §6.3 and §5: UUID ids, `Z` timestamps with
// milliseconds (and a tenth), an open-ended period (end null), approved_at null, breakdowns.
import { resources } from '../../../src/resources'
import { fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [doctor] = fixtureItems('absence_periods')

describeResourceContract({
  resource: resources.absence_periods,
  cases: [
    {
      title: 'the S1 example, Z-millis, end null',
      item: doctor,
      record: {
        id: 'a1b2c3d4-0000-4000-8000-000000000000',
        employee_id: 4711,
        absence_type_id: '9bba0000-0000-4000-8000-000000000001',
        time_off_type_id: 4,
        absence_type_name: "Doctor's appointment",
        status: 'approved',
        start: Date.parse('2022-05-31T22:00:00Z'),
        effective_duration_minutes: 480,
        timezone: 'Europe/Berlin',
        breakdowns: '[{"date":"2022-06-01","effective_duration":480}]',
        half_day_start: false,
        half_day_end: false,
        certificate_status: 'not-required',
        comment: '',
        origin: 'web',
        created_by: 4711,
        created_at: Date.parse('2022-06-20T14:29:56.510Z'),
        updated_at: Date.parse('2022-06-20T14:29:56.510Z'),
      },
    },
  ],
})
