// resources > employees, on personio-api.md §6.1: nested objects flattened, `+01:00`/`+02:00`
// converted, dates read as Berlin days, attributes the credential may not read are null, custom
// attributes by universal_id or sanitised label, a status outside the documented enum refused.
import { resources } from '../../../src/resources'
import { day, fixtureContext, fixtureEmployeeSchema, fixtureItems } from '../../support/fixtures'
import { describeResourceContract } from './contract-suite'

const [ada, grace, unknownStatus] = fixtureItems('employees')

describeResourceContract({
  resource: resources.employees,
  context: fixtureContext('employees'),
  schema: fixtureEmployeeSchema().schema,
  extraFields: ['iban', 'title', 'fuehrerschein_seit'],
  cases: [
    {
      title: 'the S1 example',
      item: ada,
      record: {
        id: 4711,
        first_name: 'Ada',
        status: 'active',
        supervisor_id: 12,
        office_id: 9,
        office_name: 'Berlin',
        cost_centers: '[{"id":3,"name":"R&D","percentage":100}]',
        hire_date: day('2021-03-01'), // midnight in Berlin; 2021-02-28T23:00Z in UTC
        last_modified_at: Date.parse('2024-05-02T08:11:12Z'),
        fix_salary: '4200.00',
        fix_salary_currency: 'EUR',
        iban: 'DE00 1234',
        title: 'Dr',
      },
    },
    {
      title: 'nulls, a string for hours, a plain-date custom attribute, no last_modified_at',
      item: grace,
      record: {
        id: 4712,
        first_name: 'Grace',
        last_name: 'Hopper',
        email: 'grace@example.com',
        gender: 'female',
        status: 'inactive',
        employment_type: 'internal',
        weekly_working_hours: 38.5,
        hire_date: day('2014-11-09'),
        termination_date: day('2024-06-30'),
        created_at: Date.parse('2020-11-18T16:33:55Z'),
        holiday_calendar_id: 978,
        holiday_calendar_name: 'DE (Berlin) Feiertage',
        holiday_calendar_country: 'DE',
        holiday_calendar_state: 'Berlin',
        work_schedule_id: 5,
        work_schedule_name: 'Full time',
        work_schedule_days:
          '{"monday":"08:00","tuesday":"08:00","wednesday":"08:00","thursday":"08:00","friday":"06:30","saturday":"00:00","sunday":"00:00"}',
        fuehrerschein_seit: day('2021-01-01'),
      },
    },
  ],
  undocumented: [{ title: 'status pensioniert', item: unknownStatus, path: 'attributes.status.value' }],
})
