// The examples of personio-api.md, mapped field by field: every timestamp spelling to UTC ms,
// company-local dates to dates, decimals to fixed-scale strings, absent attributes to null.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildEmployeeValueSchema } from '../../../src/contract/employee-schema'
import { resources } from '../../../src/resources'

const fixture = (resource: string, name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', resource, `${name}.json`), 'utf8'))
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000

describe('resources > doc examples', () => {
  it('employees: nested objects flattened, +01:00/+02:00 converted, whitelisted-out attributes null', () => {
    const defs = [
      { key: 'dynamic_21827', label: 'IBAN', type: 'standard' as const, universal_id: 'iban' },
      { key: 'dynamic_24407', label: 'Title', type: 'standard' as const, universal_id: null },
    ]
    const { customFields } = buildEmployeeValueSchema(defs)
    const record = resources.employees.toRecord(fixture('employees', 'doc-example'), {
      extraFields: customFields,
    })
    expect(record).toMatchObject({
      id: 4711,
      first_name: 'Ada',
      last_name: null, // not whitelisted: absent, not an error
      status: 'active',
      supervisor_id: 12,
      office_id: 9,
      office_name: 'Berlin',
      cost_centers: JSON.stringify([{ id: 3, name: 'R&D', percentage: 100 }]),
      hire_date: day('2021-03-01'), // midnight in Berlin is the 1st, although it is Feb 28 23:00 UTC
      last_modified_at: Date.parse('2024-05-02T08:11:12Z'),
      fix_salary: '4200.00',
      fix_salary_currency: 'EUR',
      weekly_working_hours: 38.5,
      iban: 'DE00 1234',
      title: 'Dr',
    })
  })

  it('absences: +0200 without colon, 0/1 half-day flags, id inside attributes', () => {
    expect(resources.absences.toRecord(fixture('absences', 'doc-example'))).toEqual({
      id: 901234,
      employee_id: 4711,
      status: 'approved',
      start_date: day('2024-07-01'),
      end_date: day('2024-07-05'),
      days_count: 5,
      half_day_start: false,
      half_day_end: false,
      time_off_type_id: 113,
      time_off_type_name: 'Paid vacation',
      certificate_status: 'not-required',
      comment: 'Sommerurlaub',
      created_by: 'API',
      created_at: Date.parse('2024-06-01T07:00:00Z'),
      updated_at: Date.parse('2024-06-02T08:00:00Z'),
    })
  })

  it('attendances: string person id to long, naive local date_time read in Berlin, Z timestamps', () => {
    expect(resources.attendances.toRecord(fixture('attendances', 'doc-example'))).toMatchObject({
      id: 'bd242cd1-0000-4000-8000-000000000001',
      employee_id: 4711,
      start: Date.parse('2024-06-03T06:30:00Z'),
      end: Date.parse('2024-06-03T10:00:00Z'),
      attribution_date: day('2024-06-03'),
      project_id: 'p-1',
      status: 'CONFIRMED',
      updated_at: Date.parse('2024-06-03T12:01:00Z'),
    })
  })

  it('absence periods: Z timestamps with milliseconds', () => {
    const item = {
      type: 'AbsencePeriod',
      attributes: {
        id: 'a1b2c3d4-0000-4000-8000-000000000000',
        employee: {
          type: 'Employee',
          attributes: { id: { label: 'ID', value: 7, type: 'integer', universal_id: 'id' } },
        },
        start: '2022-05-31T22:00:00.0Z',
        end: null,
        updated_at: '2022-06-20T14:29:56.510Z',
      },
    }
    expect(resources.absence_periods.toRecord(item)).toMatchObject({
      start: Date.parse('2022-05-31T22:00:00Z'),
      end: null,
      updated_at: Date.parse('2022-06-20T14:29:56.510Z'),
    })
  })
})
